"""Criteria sets: edit a concept, copy the current set into a new concept, publish (the old one expires).

A published set never changes (models._guard_published_sets refuses it at flush); every assessment keeps
the set it was filled against.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.audit.services import diff, record
from portal.database import utcnow
from portal.extensions import db
from portal.label.errors import LabelError
from portal.label.models import AnswerOption, CriteriaSet, LabelCriterion, LabelTheme


def load_set(set_id: int) -> CriteriaSet | None:
    return db.session.scalar(
        select(CriteriaSet).where(CriteriaSet.id == set_id).options(
            selectinload(CriteriaSet.themes).selectinload(LabelTheme.criteria).selectinload(LabelCriterion.options)
        )
    )


def current_set() -> CriteriaSet | None:
    """The published set new assessments start from."""
    return db.session.scalar(
        select(CriteriaSet).where(CriteriaSet.status == "gepubliceerd").order_by(CriteriaSet.version.desc())
        .options(selectinload(CriteriaSet.themes).selectinload(LabelTheme.criteria)
                 .selectinload(LabelCriterion.options))
    )


def _require_concept(criteria_set: CriteriaSet):
    if criteria_set.status != "concept":
        raise LabelError(_("Een gepubliceerde of vervallen set verandert nooit. Maak een nieuwe conceptversie."))


def parse_options(text: str) -> list[tuple[int, str]]:
    """Answer options from lines "points | label" (e.g. "2 | Ja, structureel")."""
    options = []
    if not isinstance(text, str):
        text = ""  # a form posted without the field gives the criterion's option objects, not text
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        points, sep, label = line.partition("|")
        if not sep or not label.strip():
            raise LabelError(_("Regel %(n)s: schrijf een antwoord als 'punten | tekst'.", n=number), field="options")
        try:
            value = int(points.strip())
        except ValueError:
            raise LabelError(_("Regel %(n)s: de punten moeten een heel getal zijn.", n=number),
                             field="options") from None
        if value < 0 or value > 100:
            raise LabelError(_("Regel %(n)s: punten liggen tussen 0 en 100.", n=number), field="options")
        options.append((value, label.strip()[:300]))
    if len(options) < 2:
        raise LabelError(_("Geef minstens twee antwoordmogelijkheden."), field="options")
    return options


def options_text(criterion: LabelCriterion) -> str:
    return "\n".join(f"{o.points} | {o.label}" for o in criterion.options)


def create_concept(by, source: CriteriaSet | None = None, name: str | None = None) -> CriteriaSet:
    """A new concept set: a copy of ``source`` (default the current published set) or an empty one."""
    existing = db.session.scalar(select(CriteriaSet).where(CriteriaSet.status == "concept"))
    if existing is not None:
        raise LabelError(_("Er is al een conceptversie (versie %(v)s). Werk die bij of publiceer die eerst.",
                           v=existing.version))
    source = source or current_set()
    version = (db.session.scalar(select(func.max(CriteriaSet.version))) or 0) + 1
    new = CriteriaSet(name=name or (source.name if source else _("Criteria label Ondernemen met impact")),
                      version=version, status="concept", description=source.description if source else "",
                      min_total_pct=source.min_total_pct if source else 60,
                      min_theme_pct=source.min_theme_pct if source else 40,
                      based_on_id=source.id if source else None)
    if source is not None:
        for theme in source.themes:
            new_theme = LabelTheme(position=theme.position, title=theme.title, description=theme.description,
                                   title_en=theme.title_en, description_en=theme.description_en,
                                   weight=theme.weight, min_pct=theme.min_pct, key=theme.key)
            for criterion in theme.criteria:
                new_theme.criteria.append(LabelCriterion(
                    position=criterion.position, question=criterion.question, help_text=criterion.help_text,
                    question_en=criterion.question_en, help_text_en=criterion.help_text_en,
                    evidence_required=criterion.evidence_required, key=criterion.key,
                    options=[AnswerOption(position=o.position, label=o.label, label_en=o.label_en, points=o.points)
                             for o in criterion.options]))
            new.themes.append(new_theme)
    db.session.add(new)
    db.session.flush()
    record("label.criteria_set_created", new, actor=by,
           summary=f"versie {new.version}" + (f" (kopie van versie {source.version})" if source else ""))
    return new


def update_set(criteria_set: CriteriaSet, by, *, name: str, description: str, min_total_pct: int,
               min_theme_pct: int) -> dict:
    _require_concept(criteria_set)
    for value in (min_total_pct, min_theme_pct):
        if value is None or not 0 <= value <= 100:
            raise LabelError(_("Een minimum is een percentage van 0 tot 100."))
    changes = diff(criteria_set, {"name": name.strip(), "description": description.strip(),
                                  "min_total_pct": min_total_pct, "min_theme_pct": min_theme_pct})
    if changes:
        record("label.criteria_set_changed", criteria_set, actor=by, changes=changes)
    db.session.flush()
    return changes


def _theme_values(title, description, weight, min_pct, title_en="", description_en=""):
    if not (title or "").strip():
        raise LabelError(_("Geef het thema een naam."), field="title")
    if weight is None or not 1 <= weight <= 100:
        raise LabelError(_("Het gewicht is een heel getal van 1 tot 100."), field="weight")
    if min_pct is not None and not 0 <= min_pct <= 100:
        raise LabelError(_("Een minimum is een percentage van 0 tot 100."), field="min_pct")
    return {"title": title.strip(), "description": (description or "").strip(), "weight": weight, "min_pct": min_pct,
            "title_en": (title_en or "").strip(), "description_en": (description_en or "").strip()}


def add_theme(criteria_set: CriteriaSet, by, *, title, description="", weight=1, min_pct=None, title_en="",
              description_en="") -> LabelTheme:
    _require_concept(criteria_set)
    values = _theme_values(title, description, weight, min_pct, title_en, description_en)
    theme = LabelTheme(position=len(criteria_set.themes) + 1, **values)
    criteria_set.themes.append(theme)
    db.session.flush()
    record("label.theme_added", criteria_set, actor=by, summary=theme.title)
    return theme


def update_theme(theme: LabelTheme, by, *, title, description="", weight=1, min_pct=None, title_en="",
                 description_en="") -> dict:
    _require_concept(theme.criteria_set)
    changes = diff(theme, _theme_values(title, description, weight, min_pct, title_en, description_en))
    if changes:
        record("label.theme_changed", theme.criteria_set, actor=by, summary=theme.title, changes=changes)
    db.session.flush()
    return changes


def delete_theme(theme: LabelTheme, by) -> None:
    criteria_set = theme.criteria_set
    _require_concept(criteria_set)
    criteria_set.themes.remove(theme)
    record("label.theme_deleted", criteria_set, actor=by, summary=theme.title)
    db.session.flush()


def _set_options(criterion: LabelCriterion, parsed):
    criterion.options.clear()
    db.session.flush()
    for position, (points, label) in enumerate(parsed, start=1):
        criterion.options.append(AnswerOption(position=position, label=label, points=points))


def parse_english_options(text: str, count: int) -> list[str]:
    """English answer texts, one per line in the order of the Dutch ones; empty: none yet."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if lines and len(lines) != count:
        raise LabelError(_("Geef voor elk van de %(n)s antwoorden een Engelse tekst, in dezelfde volgorde, of laat "
                           "dit veld leeg.", n=count), field="options_en")
    return lines


def _set_english(criterion: LabelCriterion, question_en, help_text_en, options_en) -> None:
    criterion.question_en = (question_en or "").strip()
    criterion.help_text_en = (help_text_en or "").strip()
    english = parse_english_options(options_en, len(criterion.options))
    for option, label in zip(criterion.options, english or [""] * len(criterion.options), strict=True):
        option.label_en = label[:300]


def english_options_text(criterion: LabelCriterion) -> str:
    return "\n".join(o.label_en for o in criterion.options) if any(o.label_en for o in criterion.options) else ""


def add_criterion(theme: LabelTheme, by, *, question, help_text="", evidence_required=False,
                  options="", question_en="", help_text_en="", options_en="") -> LabelCriterion:
    _require_concept(theme.criteria_set)
    if not (question or "").strip():
        raise LabelError(_("Schrijf de vraag."), field="question")
    parsed = parse_options(options)
    criterion = LabelCriterion(position=len(theme.criteria) + 1, question=question.strip(),
                               help_text=(help_text or "").strip(), evidence_required=bool(evidence_required))
    theme.criteria.append(criterion)
    _set_options(criterion, parsed)
    _set_english(criterion, question_en, help_text_en, options_en)
    db.session.flush()
    record("label.criterion_added", theme.criteria_set, actor=by, summary=criterion.question[:200])
    return criterion


def update_criterion(criterion: LabelCriterion, by, *, question, help_text="", evidence_required=False,
                     options="", question_en="", help_text_en="", options_en="") -> dict:
    _require_concept(criterion.theme.criteria_set)
    if not (question or "").strip():
        raise LabelError(_("Schrijf de vraag."), field="question")
    parsed = parse_options(options)
    before = options_text(criterion)
    changes = diff(criterion, {"question": question.strip(), "help_text": (help_text or "").strip(),
                               "evidence_required": bool(evidence_required)})
    if [(o.points, o.label) for o in criterion.options] != parsed:
        _set_options(criterion, parsed)
        changes["options"] = [before, "\n".join(f"{p} | {t}" for p, t in parsed)]
    english_before = (criterion.question_en, criterion.help_text_en, english_options_text(criterion))
    _set_english(criterion, question_en, help_text_en, options_en)
    english_after = (criterion.question_en, criterion.help_text_en, english_options_text(criterion))
    if english_after != english_before:
        changes["english"] = [list(english_before), list(english_after)]
    if changes:
        record("label.criterion_changed", criterion.theme.criteria_set, actor=by,
               summary=criterion.question[:200], changes=changes)
    db.session.flush()
    return changes


def delete_criterion(criterion: LabelCriterion, by) -> None:
    theme = criterion.theme
    _require_concept(theme.criteria_set)
    theme.criteria.remove(criterion)
    record("label.criterion_deleted", theme.criteria_set, actor=by, summary=criterion.question[:200])
    db.session.flush()


def publish_set(criteria_set: CriteriaSet, by) -> CriteriaSet:
    """Publish a concept; the set published before it expires. New assessments use this one."""
    _require_concept(criteria_set)
    if not criteria_set.themes or any(not t.criteria for t in criteria_set.themes):
        raise LabelError(_("Elk thema heeft minstens één vraag nodig voordat u de set publiceert."))
    previous = db.session.scalars(select(CriteriaSet).where(CriteriaSet.status == "gepubliceerd")).all()
    now = utcnow()
    for old in previous:
        old.status = "vervallen"
        old.retired_at = now
        record("label.criteria_set_retired", old, actor=by, changes={"status": ["gepubliceerd", "vervallen"]})
    criteria_set.status = "gepubliceerd"
    criteria_set.published_at = now
    record("label.criteria_set_published", criteria_set, actor=by, changes={"status": ["concept", "gepubliceerd"]})
    db.session.flush()
    return criteria_set


def shown(obj, field: str, *, marked: bool = True):
    """The text of a theme, question or answer option in the visitor's language. In English mode without an English
    version the Dutch text is shown, marked as Dutch (lang="nl", for screen readers; "(Nederlands)" for the eye);
    ``marked=False`` gives the plain text (for a page title)."""
    from flask_babel import get_locale
    from markupsafe import Markup, escape

    dutch = getattr(obj, field) or ""
    if str(get_locale() or "nl") != "en":
        return dutch
    english = getattr(obj, f"{field}_en", "") or ""
    if english:
        return english
    if not marked or not dutch:
        return dutch
    return Markup('<span lang="nl">{}</span> <span class="muted">{}</span>').format(
        escape(dutch), _("(Nederlands)"))
