"""The report structure shared by the dashboard, the printable quarterly report and its XLSX download.

Numbers come from ``metrics`` (SQL); this module only arranges them in subjects and tables, and pandas only
shapes the export. Exports for other organisations suppress counts from 1 to 4 as "<5" so that no resident,
student or organisation can be singled out; staff views show the real numbers.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pandas as pd
from flask_babel import gettext as _

from portal import import_optional
from portal.dashboard import metrics
from portal.dashboard.metrics import Filters, QuarterPoint
from portal.dashboard.targets import targets_for
from portal.partners import reference as ref
from portal.programme.standing import municipality_has_targets_in

SMALL_COUNT = 5
SUPPRESSED = "<5"
# A larger count left out so that a suppressed one cannot be worked out from a total (complementary suppression).
COMPLEMENT = "x"
# Column kinds: "text"; "count" (people or organisations: suppressed in exports); "number" (targets, numbers
# of events or promises: never suppressed); "pct" (left out of exports, as a share can give a small count away).
TEXT, COUNT, NUMBER, PCT = "text", "count", "number", "pct"


@dataclass
class Column:
    label: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    # "bar" or "line"; chart_columns are the indexes of the columns drawn as series.
    chart: str | None = None
    chart_columns: list[int] = field(default_factory=list)
    note: str = ""
    # The last row is a total: shown in the table, left out of the chart.
    total_row: bool = False
    # Each counted thing falls in exactly one row, so the rows add up to a total shown somewhere.
    partition: bool = False


@dataclass
class Subject:
    key: str
    sheet: str  # at most 31 characters (Excel)
    title: str
    tables: list[Table]
    intro: str = ""


@dataclass
class Report:
    title: str
    meta: list[tuple[str, str]]
    subjects: list[Subject]
    external: bool
    generated_for: date


# --------------------------------------------------------------------------- suppression
def suppress(value):
    """A count from 1 to 4 becomes "<5"; 0 and 5 or more stay (zero people cannot be singled out)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT:
        return SUPPRESSED
    return value


def _complement(rows: list[list], column: int, total_row: bool) -> None:
    """When one cell of a column that adds up to a total is suppressed, hide the smallest other count too."""
    body = rows[:-1] if total_row else rows
    if sum(1 for row in body if row[column] == SUPPRESSED) != 1:
        return
    others = [row for row in body if isinstance(row[column], int) and row[column] >= SMALL_COUNT]
    if others:
        min(others, key=lambda row: row[column])[column] = COMPLEMENT


def for_export(subjects: list[Subject]) -> list[Subject]:
    """A copy of ``subjects`` fit for other organisations: small counts suppressed, percentages left out."""
    result = []
    for subject in subjects:
        tables = []
        for table in subject.tables:
            keep = [i for i, c in enumerate(table.columns) if c.kind != PCT]
            columns = [table.columns[i] for i in keep]
            rows = [[suppress(row[i]) if table.columns[i].kind == COUNT else row[i] for i in keep]
                    for row in table.rows]
            if table.partition:
                for index, column in enumerate(columns):
                    if column.kind == COUNT:
                        _complement(rows, index, table.total_row)
            tables.append(replace(table, columns=columns, rows=rows, chart=None, chart_columns=[]))
        result.append(replace(subject, tables=tables))
    return result


# --------------------------------------------------------------------------- building blocks
def _pct(actual, target):
    if not target:
        return None
    return round(100 * actual / target)


def _label(pairs, code):
    if code == "":
        return _("Niet ingevuld")
    return str(ref.label_of(pairs, code))


def _ordered_codes(pairs, found, all_reference=True):
    codes = [code for code, _label in pairs] if all_reference else [c for c, _l in pairs if c in found]
    return codes + sorted(c for c in found if c not in codes)


def _event_kind_labels():
    forms = import_optional("portal.events.forms")
    return dict(getattr(forms, "KIND_LABELS", ())) if forms else {}


def _commitment_kind_labels():
    module = import_optional("portal.inkoop.commitments")
    return getattr(module, "KIND_LABELS", {}) if module else {}


def _scope_name(filters: Filters, municipality_names: dict) -> str:
    if filters.municipality_id is not None:
        return municipality_names.get(filters.municipality_id, "?")
    return _("Drechtsteden (alle gemeenten)")


def build_subjects(filters: Filters, trend_points: list[QuarterPoint], municipalities=None,
                   snapshot: metrics.Snapshot | None = None) -> list[Subject]:
    """Every subject of the dashboard and the report for ``filters``: a fixed number of queries.

    ``snapshot`` holds the numbers when they were computed before (the dashboard's cache, ``portal.dashboard.cache``);
    without it they are computed now. Targets are always read live: they are few and staff edit them.
    """
    on = filters.reference_date
    if municipalities is None:
        municipalities = metrics.municipalities()
    names = {m.id: m.name for m in municipalities}
    if snapshot is None:
        snapshot = metrics.compute_snapshot(filters, snapshot_dates(filters, trend_points))
    counts = snapshot.status
    targets = targets_for({on.year} | {p.year for p in trend_points})
    scope = _scope_name(filters, names)
    return [
        _targets_subject(filters, on, counts[on], snapshot.not_counted.get(on, {}), snapshot.year, targets,
                         municipalities, scope),
        _trend_subject(filters, trend_points, counts, targets, scope),
        _jobs_subject(snapshot.jobs),
        _stage_subject(snapshot.stage),
        _events_subject(filters, snapshot.events),
        _commitments_subject(snapshot.commitments),
    ]


def snapshot_dates(filters: Filters, trend_points: list[QuarterPoint]) -> list[date]:
    """The dates on which statuses are counted: every trend point and the peildatum."""
    return sorted({p.on for p in trend_points} | {filters.reference_date})


def _no_target() -> str:
    """Shown where a year has no target, instead of a bar or a number at 0."""
    return _("geen doel vastgesteld")


def _takes_part_in(municipality, year: int) -> bool:
    """A municipality has targets from the year it joins the programme on."""
    return municipality_has_targets_in(municipality.active, municipality.joins_on, year)


def _target_sum(targets, municipality_ids, year, attr):
    values = [getattr(targets[(m, year)], attr) for m in municipality_ids if (m, year) in targets]
    values = [v for v in values if v is not None]
    return sum(values) if values else None


# (target attribute, label, where the actual comes from: "status" on the peildatum or "year" to the peildatum)
def _measures():
    return [
        ("partners", _("Partners"), "status", "partners"),
        ("labels", _("Heeft het label"), "status", "labels"),
        ("working_on_label", _("Werkt aan het label"), "status", "working"),
        ("impact_jobs", _("Banen met impact gestart"), "year", "impact_jobs"),
        ("wijk_naar_werk", _("Inwoners naar werk via Wijk naar Werk"), "year", "wijk_naar_werk"),
        ("stageplekken", _("Stageplaatsen aangeboden"), "year", "stageplekken"),
        ("event_attendance", _("Aanwezigen bij evenementen"), "year", "event_attendance"),
    ]


def _actual(per_muni, year_figures, source, attr, municipality_ids):
    if source == "status":
        return sum(getattr(per_muni.get(m, metrics.StatusCounts()), attr) for m in municipality_ids)
    return sum(getattr(year_figures.get(m, metrics.YearFigures()), attr) for m in municipality_ids)


def _targets_subject(filters, on, per_muni, not_counted, year_figures, targets, municipalities, scope) -> Subject:
    """The programme's figures on the peildatum against the targets of its year.

    One municipality: its figures against its targets. All municipalities: per figure, the municipalities that
    have a target for it in that year, against the sum of their targets; without any target, the figure of
    every municipality that takes part, and "geen doel vastgesteld".
    """
    year = on.year
    names = {m.id: m.name for m in municipalities}
    taking_part = {m.id for m in municipalities if _takes_part_in(m, year)}
    if filters.municipality_id is not None:
        scope_ids = [filters.municipality_id]
    else:
        scope_ids = [m.id for m in municipalities] + ([None] if None in per_muni or None in year_figures else [])
    rows = []
    for attr, name, source, actual_attr in _measures():
        with_target = [m for m in scope_ids if m in taking_part and (m, year) in targets
                       and getattr(targets[(m, year)], attr) is not None]
        if with_target:
            target = _target_sum(targets, with_target, year, attr)
            actual = _actual(per_muni, year_figures, source, actual_attr, with_target)
            who = ", ".join(names[m] for m in with_target)
        else:
            target = _no_target()
            actual = _actual(per_muni, year_figures, source, actual_attr, scope_ids)
            who = ""
        row = [name, actual, target, _pct(actual, target if isinstance(target, int) else None)]
        if filters.municipality_id is None:
            row.append(who)
        rows.append(row)
    label_only = sum(per_muni.get(m, metrics.StatusCounts()).label_only for m in scope_ids)
    columns = [Column(_("Onderwerp"), TEXT), Column(_("Stand"), COUNT), Column(_("Doel %(year)s", year=year), NUMBER),
               Column(_("Percentage van het doel"), PCT)]
    if filters.municipality_id is None:
        columns.append(Column(_("Gemeenten met een doel"), TEXT))
        note = _("Alle gemeenten: per onderwerp de stand van de gemeenten met een doel voor %(year)s, vergeleken "
                 "met de som van hun doelen. Zonder doel staat de stand van alle deelnemende gemeenten en "
                 "'geen doel vastgesteld'.", year=year)
    else:
        note = ""
    summary = Table(
        key="doelen-stand",
        title=_("Stand op %(day)s tegen het doel %(year)s: %(scope)s", day=on.strftime("%d-%m-%Y"), year=year,
                scope=scope),
        columns=columns, rows=rows, chart="bar", chart_columns=[1, 2],
        note=" ".join(part for part in (
            _("Partners: partnerschap actief op de peildatum; heeft het label: een partner met een geldig label; "
              "werkt aan het label: elke andere partner. Banen, stageplaatsen en aanwezigen: van 1 januari tot en "
              "met de peildatum."), note) if part),
    )
    if label_only:
        summary.rows.append([_("Label zonder partnerschap (telt niet mee)"), label_only, "", None]
                            + ([""] if filters.municipality_id is None else []))
    per_rows = []
    shown = [m for m in municipalities if m.id in scope_ids]
    for m in shown:
        c = per_muni.get(m.id, metrics.StatusCounts())
        target = targets.get((m.id, year)) if m.id in taking_part else None
        if filters.municipality_id is None and target is None and not (c.partners or c.label_only):
            continue
        per_rows.append([m.name, c.partners, target.partners if target else None, c.labels,
                         target.labels if target else None, c.working, target.working_on_label if target else None])
    if filters.municipality_id is None and None in per_muni:
        c = per_muni[None]
        per_rows.append([_("Gemeente onbekend"), c.partners, None, c.labels, None, c.working, None])
    left_out = []
    for muni_id, c in sorted(not_counted.items(), key=lambda item: names.get(item[0], "")):
        m = next((m for m in municipalities if m.id == muni_id), None)
        if m is None or not c.partners:
            continue
        if not m.active:
            left_out.append(_("%(name)s neemt niet deel aan het programma (%(n)s partners)", name=m.name, n=c.partners))
        else:
            left_out.append(_("%(name)s neemt deel vanaf %(day)s (%(n)s partners)", name=m.name,
                              day=m.joins_on.strftime("%d-%m-%Y"), n=c.partners))
    per_municipality = Table(
        key="doelen-gemeenten",
        title=_("Stand en doel per gemeente op %(day)s", day=on.strftime("%d-%m-%Y")),
        columns=[Column(_("Gemeente"), TEXT), Column(_("Partners"), COUNT), Column(_("Doel partners"), NUMBER),
                 Column(_("Heeft het label"), COUNT), Column(_("Doel heeft het label"), NUMBER),
                 Column(_("Werkt aan het label"), COUNT), Column(_("Doel werkt aan het label"), NUMBER)],
        rows=per_rows, partition=True,
        note=(_("Niet meegeteld op de peildatum, omdat de gemeente dan nog niet deelneemt: %(list)s.",
                list="; ".join(left_out)) if left_out else ""),
    )
    note = _("Doelen gelden voor alle sectoren samen.") if filters.sector else ""
    return Subject("doelen", _("Doelen"), _("Doelen en stand"), [summary, per_municipality], intro=note)


def _trend_subject(filters, points, counts, targets, scope) -> Subject:
    if filters.municipality_id is not None:
        scope_ids = [filters.municipality_id]
    else:
        scope_ids = sorted({m for (m, _y) in targets})
    rows = []
    for p in points:
        c = metrics.total(counts[p.on], filters.municipality_id)
        rows.append([p.label, p.on.strftime("%d-%m-%Y"), c.partners, c.labels, c.working,
                     _target_sum(targets, scope_ids, p.year, "partners"),
                     _target_sum(targets, scope_ids, p.year, "labels")])
    table = Table(
        key="trend",
        title=_("Trend per kwartaal: %(scope)s", scope=scope),
        columns=[Column(_("Kwartaal"), TEXT), Column(_("Peildatum"), TEXT), Column(_("Partners"), COUNT),
                 Column(_("Heeft het label"), COUNT), Column(_("Werkt aan het label"), COUNT),
                 Column(_("Doel partners"), NUMBER), Column(_("Doel heeft het label"), NUMBER)],
        rows=rows, chart="line", chart_columns=[2, 3, 4, 5, 6],
    )
    return Subject("trend", _("Trend"), _("Trend per kwartaal"), [table],
                   intro=_("Elk kwartaal geteld op de laatste dag ervan (of op de einddatum van de periode)."))


def _jobs_subject(stats: metrics.JobStats) -> Subject:
    columns = [Column(_("Categorie"), TEXT), Column(_("Banen"), COUNT), Column(_("Waarvan duurzaam"), COUNT)]
    summary = Table(
        key="banen-totaal", title=_("Banen met impact in de periode"),
        columns=[Column(_("Onderwerp"), TEXT), Column(_("Aantal"), COUNT)],
        rows=[[_("Lopend in de periode"), stats.active], [_("Gestart in de periode"), stats.started],
              [_("Duurzaam (6 maanden of langer)"), stats.durable]],
    )
    tables = [summary]
    for key, title, pairs, breakdown in (
        ("banen-doelgroep", _("Banen met impact per doelgroep"), ref.TARGET_GROUPS, stats.by_target_group),
        ("banen-contract", _("Banen met impact per contractvorm"), ref.CONTRACT_TYPES, stats.by_contract_type),
        ("banen-route", _("Banen met impact per route naar werk"), ref.ROUTES, stats.by_route),
        ("banen-wijk", _("Banen met impact per wijk"), ref.NEIGHBOURHOODS, stats.by_neighbourhood),
    ):
        rows = [[_label(pairs, code), breakdown.counts.get(code, 0), breakdown.extra.get(code, 0)]
                for code in _ordered_codes(pairs, breakdown.counts)]
        # A job has one contract type, route and neighbourhood, but may have more target groups.
        tables.append(Table(key=key, title=title, columns=list(columns), rows=rows, chart="bar",
                            chart_columns=[1, 2], partition=key != "banen-doelgroep"))
    tables[1].note = _("Een baan met meer doelgroepen telt bij elke doelgroep mee.")
    return Subject("banen", _("Banen met impact"), _("Banen met impact"), tables,
                   intro=_("Banen die in de periode liepen; duurzaam is een contract van 6 maanden of langer."))


def _stage_subject(stats: metrics.StageStats) -> Subject:
    columns = [Column(_("Categorie"), TEXT), Column(_("Stageplekken"), COUNT),
               Column(_("Plaatsen aangeboden"), COUNT), Column(_("Plaatsen vervuld"), COUNT)]
    tables = []
    for key, title, pairs, breakdown, all_ref in (
        ("stage-niveau", _("Stageplekken per onderwijsniveau"), ref.EDUCATION_LEVELS, stats.by_level, True),
        ("stage-vakgebied", _("Stageplekken per vakgebied"), ref.SECTORS, stats.by_field, False),
    ):
        rows = [[_label(pairs, code), breakdown.counts.get(code, 0), breakdown.places.get(code, 0),
                 breakdown.extra.get(code, 0)] for code in _ordered_codes(pairs, breakdown.counts, all_ref)]
        rows.append([_("Totaal"), stats.offers, stats.places, stats.filled])
        tables.append(Table(key=key, title=title, columns=list(columns), rows=rows, chart="bar",
                            chart_columns=[2, 3], total_row=True, partition=True))
    return Subject("stageplekken", _("Stageplekken"), _("Stageplekken"), tables,
                   intro=_("Stageplekken waarvan de periode in de gekozen periode valt (zonder periode: altijd)."))


def _events_subject(filters, rows_in: list[metrics.EventRow] | None) -> Subject:
    labels = _event_kind_labels()
    columns = [Column(_("Soort evenement"), TEXT), Column(_("Evenementen"), NUMBER),
               Column(_("Aanmeldingen"), COUNT), Column(_("Aanwezig"), COUNT),
               Column(_("Organisaties aanwezig"), COUNT)]
    rows = [[str(labels.get(r.kind, r.kind)), r.events, r.confirmed, r.attended, r.organisations]
            for r in rows_in or []]
    note = "" if rows_in is not None else _("De evenementen zijn (nog) niet beschikbaar.")
    if filters.municipality_id is not None or filters.sector:
        note = _("Alleen aanmeldingen van organisaties in de gekozen gemeente of sector tellen mee.")
    table = Table(key="evenementen", title=_("Evenementen in de periode"), columns=columns, rows=rows,
                  chart="bar", chart_columns=[2, 3], note=note)
    return Subject("evenementen", _("Evenementen"), _("Evenementen en aanwezigheid"), [table])


def _commitments_subject(rows_in: list[metrics.CommitmentRow] | None) -> Subject:
    labels = _commitment_kind_labels()
    columns = [Column(_("Soort toezegging"), TEXT), Column(_("Toezeggingen"), NUMBER), Column(_("Beloofd"), NUMBER),
               Column(_("Gerealiseerd"), COUNT), Column(_("Gehaald"), NUMBER), Column(_("Achter op schema"), NUMBER),
               Column(_("Percentage gerealiseerd"), PCT)]
    rows = [[str(labels.get(r.kind, r.kind)), r.commitments, r.promised, r.realised, r.met, r.behind,
             _pct(r.realised, r.promised)] for r in rows_in or []]
    note = "" if rows_in is not None else _("De toezeggingen zijn (nog) niet beschikbaar.")
    table = Table(key="toezeggingen", title=_("Toezeggingen: beloofd en gerealiseerd"), columns=columns, rows=rows,
                  chart="bar", chart_columns=[2, 3], note=note)
    return Subject("toezeggingen", _("Toezeggingen"), _("Toezeggingen (wederkerigheid)"), [table],
                   intro=_("Toezeggingen die in de periode liepen; gerealiseerd tot en met de peildatum."))


# --------------------------------------------------------------------------- the quarterly report
def build_quarterly_report(year: int, quarter: int, municipality, *, external: bool = True) -> Report:
    """The report of one quarter and municipality; ``external`` suppresses small counts for other organisations."""
    start, end = metrics.quarter_bounds(year, quarter)
    filters = Filters(start=start, end=end, municipality_id=municipality.id)
    points = metrics.quarter_points(date(year, 1, 1), end)
    subjects = build_subjects(filters, points)
    if external:
        subjects = for_export(subjects)
    version = (_("Extern: aantallen van 1 tot en met 4 zijn weergegeven als <5; x is een groter aantal dat is "
                 "weggelaten zodat een klein aantal niet uit een totaal is af te leiden") if external
               else _("Intern (St. MBO en gemeente): werkelijke aantallen, niet delen"))
    meta = [
        (_("Gemeente"), municipality.name),
        (_("Kwartaal"), f"{year} K{quarter}"),
        (_("Periode"), f"{start.strftime('%d-%m-%Y')} t/m {end.strftime('%d-%m-%Y')}"),
        (_("Peildatum"), end.strftime("%d-%m-%Y")),
        (_("Versie"), version),
    ]
    title = _("Kwartaalrapportage Ondernemen met impact %(municipality)s %(year)s K%(quarter)s",
              municipality=municipality.name, year=year, quarter=quarter)
    return Report(title=title, meta=meta, subjects=subjects, external=external, generated_for=end)


def report_filename(year: int, quarter: int, municipality, *, external: bool = True) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in municipality.name.lower()).strip("-")
    suffix = "" if external else "-intern"
    return f"kwartaalrapportage-{slug}-{year}-k{quarter}{suffix}.xlsx"


def subject_frame(subject: Subject) -> pd.DataFrame:
    """One sheet: the subject's tables one under the other; with more tables an "Indeling" column says which."""
    frames = []
    for table in subject.tables:
        labels = [c.label for c in table.columns]
        if len(subject.tables) > 1:
            labels[0] = _("Categorie")
        frame = pd.DataFrame(table.rows, columns=labels, dtype=object)
        if len(subject.tables) > 1:
            frame.insert(0, _("Indeling"), table.title)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    return pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)


def to_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook, one sheet per subject; the same report always gives the same bytes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        overview = pd.DataFrame([[report.title, ""]] + [list(pair) for pair in report.meta],
                                columns=[_("Onderwerp"), _("Waarde")])
        overview.to_excel(writer, sheet_name=_("Overzicht"), index=False)
        for subject in report.subjects:
            subject_frame(subject).to_excel(writer, sheet_name=subject.sheet[:31], index=False)
        for sheet in writer.book.worksheets:
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
        moment = datetime.combine(report.generated_for, datetime.min.time())
        writer.book.properties.created = moment
        writer.book.properties.modified = moment
        writer.book.properties.creator = "Ondernemen met impact Drechtsteden"
    return _stable_zip(buffer.getvalue(), moment)


def _stable_zip(data: bytes, moment: datetime) -> bytes:
    """Rewrite the archive with fixed timestamps, so the download and the CLI give identical files.

    openpyxl stamps the save time into docProps/core.xml and the zip entries; both become ``moment``.
    """
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()
