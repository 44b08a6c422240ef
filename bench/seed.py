"""`flask --app bench.wsgi seed-bench --orgs N`: realistic data at scale for the benchmark (bench/run.py).

Rows are generated in Python and written in bulk: COPY on PostgreSQL, executemany INSERTs on SQLite.
Primary keys are assigned here (max(id) + 1 onwards) so that rows can refer to each other without a
round trip; PostgreSQL sequences are moved past them at the end.

One function per package (``seed_partners``, ``seed_label``, ``seed_events``, ``seed_inkoop``,
``seed_dashboard``). The generator writes
rows straight into the tables, so ORM events (history hooks, published-set guards) do not run: each
function writes the rows those rules would have written itself (status history, audit entries).

Refused when PORTAL_ENV=production.
"""
import random
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from portal.dashboard import models as dashboard_models
from portal.events import models as events_models
from portal.extensions import db
from portal.inkoop import models as inkoop_models
from portal.label import models as label_models
from portal.partners import models as partners_models
from portal.partners.demo import KINDS, NAMES, POSTCODES, STREETS

BENCH_PASSWORD = "Bench-Drechtsteden-2026"  # noqa: S105 - printed on purpose; refused in production
BENCH_DOMAIN = "bench.ondernemenmetimpact.nl"
BENCH_ROLES = ("ondernemer", "mbo_staff", "inkoop", "gemeente", "admin")
BATCH = 20_000


def bench_email(role: str) -> str:
    return f"{role}@{BENCH_DOMAIN}"


# --------------------------------------------------------------------------- reference data
MUNICIPALITY_WEIGHTS = (("Dordrecht", 40), ("Zwijndrecht", 14), ("Sliedrecht", 9), ("Papendrecht", 11),
                        ("Alblasserdam", 7), ("Hendrik-Ido-Ambacht", 11), ("Hardinxveld-Giessendam", 8))
# Organisation kinds, names, streets and postcodes are the demo data's own (portal/partners/demo.py).
FIRST_NAMES = ["Anouk", "Bram", "Fatima", "Daan", "Emma", "Mohamed", "Sanne", "Thijs", "Yara", "Lars", "Noor",
               "Kees", "Ilse", "Joost", "Aylin", "Ruben", "Esther", "Mehmet", "Lotte", "Wim"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Yilmaz",
              "El Amrani", "van Dijk", "Verhoeven", "Kok", "Dekker", "van Leeuwen", "Kaya"]
# Partner status of an organisation, weighted (about 60% partner).
STATUS_PLAN = ["partner"] * 60 + ["aanvraag"] * 10 + ["geweigerd"] * 4 + ["geschorst"] * 4 + ["beeindigd"] * 6 \
    + ["geen"] * 16
# The label path of a partner, weighted: every assessment status and every label status occurs.
LABEL_PLAN = (["label"] * 30 + ["concept"] * 8 + ["ingediend"] * 5 + ["in_behandeling"] * 4
              + ["wijzigingen_gevraagd"] * 4 + ["afgewezen"] * 4 + ["geschorst"] * 3 + ["verlopen"] * 5
              + ["ingetrokken"] * 2 + ["renewing"] * 5 + ["none"] * 30)
ONDERNEMER_ORG_KIND = "renewing"  # the bench ondernemer's organisation has the busiest home page


class Ctx:
    """What the package seeders share: the generator, ids, users and organisations made so far."""

    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.today = date.today()
        self.now = datetime.now(UTC)
        self.counts: dict[str, int] = {}
        self.accounts: dict[str, int] = {}   # role -> user id
        self.orgs: list[dict] = []           # the organisation rows
        self.members: dict[int, list[tuple[int, str]]] = {}  # org id -> [(user id, email)]
        self.password_hash = ""
        self._next_id: dict[str, int] = {}

    def ids(self, table, k: int) -> range:
        """k fresh primary keys for ``table``."""
        name = table.name
        if name not in self._next_id:
            self._next_id[name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        start = self._next_id[name]
        self._next_id[name] = start + k
        return range(start, start + k)

    def next_id(self, table) -> int:
        return self.ids(table, 1)[0]

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=UTC)

    def day_between(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, span))


# --------------------------------------------------------------------------- bulk writing
def _defaults(table) -> dict:
    """Column -> a function giving the value to use when the generator leaves the column out."""
    result = {}
    for col in table.columns:
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            value = default.arg
            result[col.name] = lambda value=value: value
        elif default is not None and getattr(default, "is_callable", False):
            fn = default.arg
            result[col.name] = lambda fn=fn: fn(None)
        elif col.nullable:
            result[col.name] = lambda: None
    return result


def write(ctx: Ctx, table, rows: list[dict]) -> int:
    """Insert ``rows`` (dicts) into ``table`` in batches; missing columns get their defaults."""
    if not rows:
        return 0
    defaults = _defaults(table)
    given = set().union(*(r.keys() for r in rows[:50]))
    unknown = given - set(table.columns.keys())
    if unknown:
        raise click.ClickException(f"{table.name}: no columns {sorted(unknown)} (the model changed?)")
    # A primary key the generator leaves out is assigned by the database (sequence / rowid).
    columns = [c.name for c in table.columns if c.name in given or c.name in defaults]
    missing = [c.name for c in table.columns if c.name not in columns and not c.primary_key]
    if missing:
        raise click.ClickException(f"{table.name}: the generator gives no value for {missing} (the model changed?)")
    fill = {name: defaults[name] for name in columns if name not in given}
    fill_values = {name: fn() for name, fn in fill.items()}  # evaluated once: a batch shares its timestamp
    # Callable defaults of unique or indexed columns (random keys) are evaluated per row.
    per_row = {name for name in fill if getattr(table.columns[name].default, "is_callable", False)
               and (table.columns[name].unique or table.columns[name].index)}
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        full = []
        for row in chunk:
            values = dict(fill_values)
            for name in per_row:
                values[name] = fill[name]()
            values.update(row)
            full.append(values)
        if postgres:
            _copy(table, columns, full)
        else:
            db.session.execute(insert(table), full)
    ctx.counts[table.name] = ctx.counts.get(table.name, 0) + len(rows)
    return len(rows)


def _copy(table, columns, rows):
    """COPY rows into a PostgreSQL table inside the session's transaction."""
    import json

    json_cols = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    dbapi = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with dbapi.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_cols and row[c] is not None else row[c]
                            for c in columns])


def _fix_sequences(tables):
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.columns:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM \"{table.name}\"), 1))"))


def audit(ctx: Ctx, rows: list[dict], action: str, object_type: str, object_id: int, *, organisation_id=None,
          actor_role=None, summary="", when=None):
    """One audit entry row as record() would write it (actor: a bench account or the system)."""
    actor_id = ctx.accounts.get(actor_role) if actor_role else None
    rows.append({"created_at": when or ctx.now, "actor_id": actor_id,
                 "actor_email": bench_email(actor_role) if actor_id else "",
                 "acting_role": actor_role or "systeem", "action": action, "object_type": object_type,
                 "object_id": object_id, "organisation_id": organisation_id, "summary": summary[:500],
                 "changes": None, "ip_address": ""})


# --------------------------------------------------------------------------- accounts
def seed_accounts(ctx: Ctx):
    """One verified bench account per role (password BENCH_PASSWORD), sharing one argon2 hash."""
    from portal.auth.models import User, UserRole
    from portal.auth.passwords import hash_password

    ctx.password_hash = hash_password(BENCH_PASSWORD)
    users, roles = [], []
    for role in BENCH_ROLES:
        uid = ctx.next_id(User.__table__)
        ctx.accounts[role] = uid
        users.append({"id": uid, "email": bench_email(role), "name": f"Bench {role}",
                      "password_hash": ctx.password_hash, "email_verified_at": ctx.now, "created_at": ctx.now})
        roles.append({"user_id": uid, "role": role})
    write(ctx, User.__table__, users)
    write(ctx, UserRole.__table__, roles)


# --------------------------------------------------------------------------- partners
def seed_partners(ctx: Ctx):
    """Organisations with members, partnership history, ~10 impact jobs and 2 stageplekken each."""
    models = partners_models
    from portal.auth.models import User, UserRole
    from portal.partners import reference as ref

    rng, today = ctx.rng, ctx.today
    munis = {m.name: m.id for m in ref.ensure_municipalities().values()}
    db.session.flush()
    muni_names = [name for name, _w in MUNICIPALITY_WEIGHTS if name in munis]
    muni_weights = [w for name, w in MUNICIPALITY_WEIGHTS if name in munis]
    used_kvk = set(db.session.scalars(select(models.Organisation.kvk)))
    target_groups = ref.codes(ref.TARGET_GROUPS)
    contract_types = ref.codes(ref.CONTRACT_TYPES)
    routes, neighbourhoods, profiles = ref.codes(ref.ROUTES), ref.codes(ref.NEIGHBOURHOODS), ref.codes(ref.PROFILES)
    levels, stage_types = ref.codes(ref.EDUCATION_LEVELS), ref.codes(ref.STAGE_TYPES)
    sizes = ["1-9", "10-49", "10-49", "10-49", "50-249", "250+"]
    end_reasons = ref.codes(ref.END_REASONS)
    start_2023 = date(2023, 1, 1)

    org_ids = ctx.ids(models.Organisation.__table__, ctx.n)
    orgs, users, roles, memberships, history, jobs, groups, plekken, audits = [], [], [], [], [], [], [], [], []
    job_ids = iter(ctx.ids(models.ImpactJob.__table__, ctx.n * 15))
    for i, org_id in enumerate(org_ids):
        kind, sector, titles = KINDS[rng.randrange(len(KINDS))]
        town = rng.choices(muni_names, muni_weights)[0]
        status = "partner" if i == 0 else rng.choice(STATUS_PLAN)
        kvk = f"{40000000 + org_id:08d}"
        while kvk in used_kvk:
            kvk = f"{rng.randint(10000000, 99999999)}"
        used_kvk.add(kvk)
        created = ctx.day_between(date(2022, 9, 1), today - timedelta(days=40))
        since = ctx.day_between(max(created, start_2023), today - timedelta(days=30)) \
            if status in ("partner", "geschorst", "beeindigd") else None
        applied = since - timedelta(days=rng.randint(5, 40)) if since else (
            ctx.day_between(created, today - timedelta(days=1)) if status in ("aanvraag", "geweigerd") else None)
        name = f"{kind} {NAMES[rng.randrange(len(NAMES))]} {org_id}"
        orgs.append({
            "id": org_id, "name": name, "kvk": kvk, "street": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
            "postcode": f"{rng.choice(POSTCODES.get(town, ['3311']))} "
                        f"{rng.choice('ABCDEGHJKL')}{rng.choice('ABCDEGHJKL')}",
            "city": town, "municipality_id": munis[town], "sector": sector, "size_class": rng.choice(sizes),
            "website": f"https://www.bedrijf-{org_id}.example", "contact_name": "",
            "contact_phone": f"078-{rng.randint(1000000, 9999999)}", "contact_email": f"info@bedrijf-{org_id}.example",
            "partner_status": status, "partner_since": since, "created_at": ctx.at(created),
            "motivation": "Wij willen inclusief werkgeverschap in de Drechtsteden versterken." if applied else "",
            "terms_accepted_at": ctx.at(applied) if applied else None,
            "applied_at": ctx.at(applied) if applied else None,
            "status_changed_at": ctx.at(since or applied or created), "status_reason": "",
        })
        # Members: the bench ondernemer runs the first organisation; 1-3 generated members each.
        members = []
        if i == 0:
            members.append((ctx.accounts["ondernemer"], bench_email("ondernemer")))
        for k in range(rng.choice((1, 1, 2, 2, 2, 3))):
            uid = ctx.next_id(User.__table__)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"lid{k + 1}.org{org_id}@{BENCH_DOMAIN}"
            users.append({"id": uid, "email": email, "name": f"{first} {last}", "password_hash": ctx.password_hash,
                          "email_verified_at": ctx.at(created), "created_at": ctx.at(created)})
            roles.append({"user_id": uid, "role": "ondernemer"})
            members.append((uid, email))
            audit(ctx, audits, "account.registered", "User", uid, summary=email, when=ctx.at(created))
        ctx.members[org_id] = members
        for k, (uid, _email) in enumerate(members):
            memberships.append({"user_id": uid, "organisation_id": org_id, "role": "beheerder" if k == 0 else "lid",
                                "created_at": ctx.at(created)})
        audit(ctx, audits, "organisation.registered", "Organisation", org_id, organisation_id=org_id,
              summary=name, when=ctx.at(created))
        # Partnership history as the rules write it.
        steps = []
        if applied:
            steps.append(("aanvraag", "geen", applied))
        if status == "geweigerd":
            steps.append(("geweigerd", "aanvraag", min(applied + timedelta(days=14), today)))
        if since:
            steps.append(("partner", "aanvraag" if applied else "geen", since))
        if status in ("geschorst", "beeindigd"):
            steps.append((status, "partner", ctx.day_between(since, today)))
        if status == "geen":
            steps = []
        for new, old, day in steps:
            history.append({"organisation_id": org_id, "status": new, "previous_status": old, "valid_from": day,
                            "reason": "", "changed_by_id": ctx.accounts["mbo_staff"] if new != "aanvraag" else None,
                            "created_at": ctx.at(day)})
            if new != "aanvraag":
                audit(ctx, audits, f"partnership.{new}", "Organisation", org_id, organisation_id=org_id,
                      actor_role="mbo_staff", when=ctx.at(day))
        org = orgs[-1]
        org["_created"], org["_since"] = created, since
        ctx.orgs.append(org)
        if status not in ("partner", "geschorst", "beeindigd", "aanvraag"):
            continue
        # About 10 impact jobs (5-15), never identifying the person.
        for _j in range(rng.randint(5, 15)):
            job_id = next(job_ids)
            start = ctx.day_between(since or created, today)
            contract = rng.choice(contract_types)
            end = None
            if rng.random() < 0.3:
                end = start + timedelta(days=rng.randint(30, 500))
            durable = contract in ref.DURABLE_CONTRACTS or (end is not None and (end - start).days >= 183)
            jobs.append({"id": job_id, "organisation_id": org_id, "title": rng.choice(titles),
                         "contract_type": contract, "hours_per_week": Decimal(rng.choice((16, 20, 24, 28, 32, 36))),
                         "start_date": start, "end_date": end, "end_reason": rng.choice(end_reasons) if end else "",
                         "route": rng.choice(routes), "neighbourhood": rng.choice(neighbourhoods),
                         "profile": rng.choice(profiles), "job_coaching": rng.random() < 0.4, "note": "",
                         "durable": durable, "created_at": ctx.at(start), "updated_at": ctx.at(start),
                         "created_by_id": members[0][0]})
            for group in rng.sample(target_groups, rng.choice((1, 1, 2))):
                groups.append({"impact_job_id": job_id, "target_group": group})
        for _p in range(2):
            start = ctx.day_between(today - timedelta(days=200), today + timedelta(days=120))
            places = rng.choice((1, 1, 2, 3))
            plekken.append({"organisation_id": org_id, "title": f"Stage {rng.choice(titles).lower()}",
                            "education_level": rng.choice(levels), "stage_type": rng.choice(stage_types),
                            "field": sector, "places": places, "places_filled": rng.randint(0, places),
                            "period_start": start, "period_end": start + timedelta(days=rng.choice((90, 150, 300))),
                            "school": rng.choice(("Da Vinci College", "Hogeschool Rotterdam", "Insula College", "")),
                            "sbb_recognised": rng.random() < 0.6, "published": rng.random() < 0.7,
                            "description": "Leer het vak in de praktijk, met een vaste begeleider.",
                            "created_at": ctx.at(start - timedelta(days=30)), "updated_at": ctx.at(today)})
    write(ctx, models.Organisation.__table__, [{k: v for k, v in o.items() if not k.startswith("_")} for o in orgs])
    write(ctx, User.__table__, users)
    write(ctx, UserRole.__table__, roles)
    write(ctx, models.Membership.__table__, memberships)
    write(ctx, models.PartnerStatusChange.__table__, history)
    write(ctx, models.ImpactJob.__table__, jobs)
    write(ctx, models.ImpactJobTargetGroup.__table__, groups)
    write(ctx, models.Stageplek.__table__, plekken)
    ctx.audit_rows = audits


# --------------------------------------------------------------------------- label
def _criteria_set(ctx: Ctx, models):
    """The published criteria set (the label demo's starting set when there is none), as plain ids."""
    current = db.session.scalar(select(models.CriteriaSet).where(models.CriteriaSet.status == "gepubliceerd")
                                .order_by(models.CriteriaSet.version.desc()))
    if current is None:
        from portal.auth.models import User
        from portal.label.demo import seed_criteria

        current = seed_criteria(db.session.get(User, ctx.accounts["mbo_staff"]))
        db.session.flush()
    criteria = []
    for theme in current.themes:
        for criterion in theme.criteria:
            criteria.append((theme.id, criterion.id, [o.id for o in criterion.options]))
    return current.id, criteria


def seed_label(ctx: Ctx):
    """Assessments in every status with answers, labels (valid, suspended, withdrawn, expired, renewing)
    with their status history, and review comments."""
    models = label_models
    if not ctx.orgs:
        click.echo("label: no organisations, skipped")
        return
    rng, today = ctx.rng, ctx.today
    set_id, criteria = _criteria_set(ctx, models)
    first_theme = criteria[0][0] if criteria else None
    staff = ctx.accounts["mbo_staff"]
    assessments, answers, comments, labels, changes = [], [], [], [], []
    audits = getattr(ctx, "audit_rows", [])
    a_table, l_table = models.Assessment.__table__, models.Label.__table__
    validity = current_app.config.get("LABEL_VALIDITY_MONTHS", 24)

    def months_ago(m):
        return today - timedelta(days=int(m * 30.4))

    def assessment(org, status, started, closed=None, renewal_of=None, level=2):
        aid = ctx.next_id(a_table)
        by = ctx.members[org["id"]][0][0]
        open_ = status not in ("goedgekeurd", "afgewezen")
        submitted = status not in ("concept",)
        reviewing = status in ("in_behandeling", "wijzigingen_gevraagd", "goedgekeurd", "afgewezen")
        assessments.append({
            "id": aid, "organisation_id": org["id"], "criteria_set_id": set_id, "status": status,
            "open_key": org["id"] if open_ else None, "version": rng.randint(2, 30), "renewal_of_id": renewal_of,
            "started_on": started, "closed_on": closed, "created_at": ctx.at(started), "started_by_id": by,
            "status_changed_at": ctx.at(closed or started + timedelta(days=10)),
            "submitted_at": ctx.at(started + timedelta(days=7)) if submitted else None,
            "reviewer_id": staff if reviewing else None,
            "decided_at": ctx.at(closed) if closed else None, "decided_by_id": staff if closed else None,
            "decision_reason": "Mooi voorbeeld voor het netwerk." if status == "goedgekeurd" else (
                "Nog te weinig zichtbaar beleid." if status == "afgewezen" else ""),
        })
        for theme_id, criterion_id, options in criteria:
            if status == "concept" and theme_id != first_theme:
                continue
            option = options[min(max(level + rng.randint(-1, 1), 0), len(options) - 1)] if options else None
            answers.append({"assessment_id": aid, "criterion_id": criterion_id, "option_id": option,
                            "explanation": "Zie ons jaarverslag." if rng.random() < 0.5 else "",
                            "updated_at": ctx.at(started + timedelta(days=3)), "updated_by_id": by})
        if status in ("wijzigingen_gevraagd", "in_behandeling") and criteria:
            comments.append({"assessment_id": aid, "criterion_id": criteria[rng.randrange(len(criteria))][1],
                             "author_id": staff, "author_name": "Bench mbo_staff", "from_staff": True,
                             "body": "Kunt u het contract of de afspraak toevoegen?",
                             "created_at": ctx.at(started + timedelta(days=12))})
        audit(ctx, audits, "label.assessment_started", "Assessment", aid, organisation_id=org["id"],
              when=ctx.at(started))
        return aid

    def label(org, aid, start, final=None, final_on=None):
        lid = ctx.next_id(l_table)
        until = _add_months(start, validity) - timedelta(days=1)
        status = final or "geldig"
        if final is None and until < today:
            status = "verlopen"
        labels.append({"id": lid, "organisation_id": org["id"], "assessment_id": aid,
                       "certificate_number": f"OMI-{start.year}-{lid:05d}", "valid_from": start,
                       "valid_until": until, "status": status, "awarded_at": ctx.at(start), "awarded_by_id": staff})
        changes.append({"label_id": lid, "status": "geldig", "effective_on": start, "reason": "",
                        "changed_at": ctx.at(start), "changed_by_id": staff})
        if status != "geldig":
            on = final_on or (until + timedelta(days=1))
            changes.append({"label_id": lid, "status": status, "effective_on": on,
                            "reason": "Klacht wordt onderzocht." if status == "geschorst" else "",
                            "changed_at": ctx.at(on), "changed_by_id": staff if status != "verlopen" else None})
        audit(ctx, audits, "label.awarded", "Label", lid, organisation_id=org["id"], actor_role="mbo_staff",
              summary=f"OMI-{start.year}-{lid:05d}", when=ctx.at(start))
        return lid

    for i, org in enumerate(ctx.orgs):
        if org["partner_status"] not in ("partner", "geschorst", "beeindigd"):
            continue
        kind = ONDERNEMER_ORG_KIND if i == 0 else rng.choice(LABEL_PLAN)
        if kind == "none":
            continue
        since = org["_since"]
        if kind in ("concept", "ingediend", "in_behandeling", "wijzigingen_gevraagd"):
            assessment(org, kind, ctx.day_between(since, today))
        elif kind == "afgewezen":
            started = ctx.day_between(since, today - timedelta(days=20))
            assessment(org, "afgewezen", started, closed=min(started + timedelta(days=rng.randint(20, 60)), today),
                       level=0)
        else:
            # A label: approved after an assessment; renewing, expired and suspended ones started long ago.
            earliest = {"verlopen": months_ago(40), "renewing": months_ago(23)}.get(kind)
            latest = {"verlopen": months_ago(25), "renewing": months_ago(21)}.get(kind, today - timedelta(days=30))
            started = ctx.day_between(max(since, earliest) if earliest else since, max(latest, since))
            start = min(started + timedelta(days=rng.randint(14, 45)), today)
            aid = assessment(org, "goedgekeurd", started, closed=start, level=3)
            if kind == "geschorst":
                label(org, aid, start, "geschorst", ctx.day_between(start, today))
            elif kind == "ingetrokken":
                label(org, aid, start, "ingetrokken", ctx.day_between(start, today))
            else:
                label(org, aid, start)
                if kind == "renewing":
                    assessment(org, rng.choice(("concept", "ingediend")), ctx.day_between(start, today),
                               renewal_of=aid, level=3)
    write(ctx, a_table, assessments)
    write(ctx, models.AssessmentAnswer.__table__, answers)
    write(ctx, models.ReviewComment.__table__, comments)
    write(ctx, l_table, labels)
    write(ctx, models.LabelStatusChange.__table__, changes)
    ctx.audit_rows = audits


def _add_months(day: date, months: int) -> date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- events
EVENT_TITLES = [("kick-off", "Wijk naar Werk kick-off", "public"),
                ("festival", "Studentenfestival Drechtsteden", "public"),
                ("praktijktafel", "Praktijktafel", "partners"), ("hr-tafel", "HR-tafel", "partners"),
                ("workshop", "Workshop inclusief werven", "partners"), ("award", "Social impact award", "public"),
                ("netwerkbijeenkomst", "Dag van de 1000 voorbeelden", "public")]


def seed_events(ctx: Ctx):
    """Events (past and upcoming, one per 100 organisations, at least 20) with programme, a question,
    registrations of members and the public, and check-ins at past events."""
    models = events_models
    rng, now = ctx.rng, ctx.now
    member_orgs = [o["id"] for o in ctx.orgs if o["partner_status"] in ("partner", "aanvraag")]
    count = max(20, ctx.n // 100)
    e_table, r_table = models.Event.__table__, models.Registration.__table__
    events, slots, questions, regs, answers, checkins = [], [], [], [], [], []
    ctx.bench_event_id = None
    for k in range(count):
        eid = ctx.next_id(e_table)
        kind, title, audience = EVENT_TITLES[k % len(EVENT_TITLES)]
        upcoming = k % 5 == 0  # a fifth lies ahead
        start = now + timedelta(days=rng.randint(3, 120)) if upcoming else now - timedelta(days=rng.randint(2, 900))
        start = start.replace(hour=9, minute=0, second=0, microsecond=0)
        capacity = rng.choice((None, 40, 80, 150, 300))
        status = "published" if k % 25 else ("cancelled" if not upcoming else "draft")
        n_regs = rng.randint(15, 60) if capacity is None else rng.randint(10, capacity)
        confirmed = 0
        qid = ctx.next_id(models.RegistrationQuestion.__table__)
        questions.append({"id": qid, "event_id": eid, "position": 1, "label": "Heeft u dieetwensen?", "kind": "text",
                          "choices": "", "required": False})
        for s in range(3):
            slots.append({"event_id": eid, "starts_at": start + timedelta(minutes=30 * s),
                          "ends_at": start + timedelta(minutes=30 * (s + 1)),
                          "title": ("Welkom", "De rol van de werkgever", "Praktische ondersteuning")[s],
                          "speaker": "", "room": ""})
        live = set()
        for _r in range(n_regs):
            rid = ctx.next_id(r_table)
            public_reg = audience == "public" and rng.random() < 0.4
            if public_reg or not member_orgs:
                user_id, org_id, email = None, None, f"bezoeker{rid}@{BENCH_DOMAIN}"
                org_name = rng.choice(("", "Da Vinci College", "Insula College"))
            else:
                org_id = rng.choice(member_orgs)
                user_id, email = rng.choice(ctx.members[org_id])
                org_name = ""
            state = rng.choices(("confirmed", "waitlisted", "cancelled", "pending"), (80, 5, 10, 5))[0]
            if state == "confirmed" and capacity is not None and confirmed >= capacity:
                state = "waitlisted"
            if state in ("confirmed", "waitlisted"):
                if email in live:  # one live registration per address (the unique key)
                    state = "cancelled"
                live.add(email)
            confirmed += state == "confirmed"
            created = min(start - timedelta(days=rng.randint(1, 30)), now)
            regs.append({"id": rid, "event_id": eid, "user_id": user_id, "organisation_id": org_id,
                         "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "email": email,
                         "organisation_name": org_name,
                         "active_key": email if state in ("confirmed", "waitlisted") else None,
                         "status": state, "token": secrets.token_urlsafe(32), "created_at": created,
                         "confirmed_at": created if state == "confirmed" else None,
                         "waitlisted_at": created if state == "waitlisted" else None,
                         "cancelled_at": created + timedelta(hours=5) if state == "cancelled" else None,
                         "anonymised_at": None})
            if rng.random() < 0.5:
                answers.append({"registration_id": rid, "question_id": qid, "value": "Vegetarisch"})
            if state == "confirmed" and not upcoming and rng.random() < 0.8:
                checkins.append({"registration_id": rid,
                                "checked_in_at": start + timedelta(minutes=rng.randint(-20, 40)),
                                 "by_id": ctx.accounts["mbo_staff"]})
        events.append({"id": eid, "title": f"{title} {start.year}" if kind in ("kick-off", "festival") else title,
                       "kind": kind, "description": "Een ochtend over **inclusief werkgeverschap** in de Drechtsteden.",
                       "start_at": start, "end_at": start + timedelta(hours=3),
                       "location": "Energiehuis, Noordendijk 250, Dordrecht", "capacity": capacity,
                       "seats_taken": confirmed, "audience": audience, "registration_opens_at": None,
                       "registration_closes_at": None, "reminder_days": 2, "status": status, "sequence": 0,
                       "cancel_reason": "Te weinig aanmeldingen." if status == "cancelled" else "",
                       "created_by_id": ctx.accounts["mbo_staff"], "created_at": start - timedelta(days=60),
                       "published_at": start - timedelta(days=50) if status != "draft" else None,
                       "cancelled_at": start - timedelta(days=3) if status == "cancelled" else None,
                       "purged_at": None})
        if upcoming and status == "published" and audience == "public" and ctx.bench_event_id is None:
            ctx.bench_event_id = eid
    write(ctx, e_table, events)
    write(ctx, models.ProgrammeSlot.__table__, slots)
    write(ctx, models.RegistrationQuestion.__table__, questions)
    write(ctx, r_table, regs)
    write(ctx, models.Answer.__table__, answers)
    write(ctx, models.CheckIn.__table__, checkins)


# --------------------------------------------------------------------------- inkoop
def seed_inkoop(ctx: Ctx):
    """Procedures (tenders and plot issues, one per 200 organisations, at least 10) in every status, with
    weighted criteria, bids with commitments and frozen label positions, and commitments of awarded bids."""
    models = inkoop_models
    rng, today = ctx.rng, ctx.today
    bidders = [o for o in ctx.orgs if o["partner_status"] in ("partner", "geschorst", "beeindigd", "geen")]
    if not bidders:
        return
    p_table, b_table = models.Procedure.__table__, models.Bid.__table__
    procedures, criteria, bids, bid_commitments, commitments, panel = [], [], [], [], [], []
    awarded_bids = []
    statuses = ("concept", "open", "beoordeling", "gegund", "gegund", "gegund", "ingetrokken")
    categories = ("Inzamelen bedrijfsafval", "Schoonmaak gemeentelijke gebouwen", "Groenonderhoud", "Catering",
                  "Onderhoud openbare ruimte")
    for k in range(max(10, ctx.n // 200)):
        pid = ctx.next_id(p_table)
        kind = "aanbesteding" if k % 3 else "gronduitgifte"
        status = statuses[k % len(statuses)]
        closing = today + timedelta(days=rng.randint(5, 60)) if status in ("concept", "open") else \
            today - timedelta(days=rng.randint(10, 700))
        proc = {"id": pid, "kind": kind, "reference": f"DDT-{closing.year}-{pid:04d}", "closing_date": closing,
                "status": status, "price_method": rng.choice(("relatief", "fictieve_korting")),
                "discount_per_point": Decimal("1000.00"), "score_mode": rng.choice(("consensus", "gemiddelde")),
                "quality_scale": "0,2,4,6,8,10", "commitment_months": 24, "description": "",
                "created_by_id": ctx.accounts["inkoop"], "created_at": ctx.at(closing - timedelta(days=60)),
                "closed_at": ctx.at(closing) if status in ("beoordeling", "gegund") else None,
                "awarded_at": ctx.at(closing + timedelta(days=20)) if status == "gegund" else None,
                "awarded_on": closing + timedelta(days=20) if status == "gegund" else None,
                "awarded_bid_id": None, "withdrawn_reason": "Geen budget." if status == "ingetrokken" else ""}
        if kind == "aanbesteding":
            category = rng.choice(categories)
            proc.update(title=f"{category} {closing.year}", category=category, vulnerable_jobs=True,
                        development_area="", plot="")
        else:
            area = rng.choice(("Distripark fase 2", "Merwedehavens", "Dordtse Kil IV"))
            proc.update(title=f"Kavel {pid} {area}", category="", vulnerable_jobs=False, development_area=area,
                        plot=f"Kavel {pid}")
        procedures.append(proc)
        crit = [("price", "Prijs", Decimal("40"), ""), ("quality", "Kwaliteit van banen", Decimal("30"), ""),
                ("label", "Label Ondernemen met impact", Decimal("15"), ""),
                ("commitment", "Banen met impact", Decimal("15"), "impact_jobs")]
        for pos, (ckind, name, weight, ckind2) in enumerate(crit):
            criteria.append({"procedure_id": pid, "kind": ckind, "name": name, "description": "", "weight": weight,
                             "position": pos, "commitment_kind": ckind2, "formula": "doel",
                             "target": Decimal("5") if ckind2 else None, "working_share": Decimal("0.50")})
        panel.append({"procedure_id": pid, "user_id": ctx.accounts["inkoop"], "is_chair": True, "submitted_at": None})
        if status == "concept":
            continue
        chosen = rng.sample(bidders, min(len(bidders), rng.randint(3, 8)))
        bid_ids = []
        for org in chosen:
            bid_id = ctx.next_id(b_table)
            frozen = status in ("beoordeling", "gegund")
            bids.append({"id": bid_id, "procedure_id": pid, "organisation_id": org["id"],
                         "price": Decimal(rng.randint(80_000, 900_000)), "note": "",
                         "entered_by_id": ctx.accounts["inkoop"], "created_at": ctx.at(closing - timedelta(days=3)),
                         "frozen_on": closing if frozen else None,
                         "frozen_label_status": rng.choice(("geldig", "geen", "geen")) if frozen else "",
                         "frozen_certificate": "", "frozen_partner_status": org["partner_status"] if frozen else "",
                         "frozen_working_on_label": frozen and rng.random() < 0.3, "lot_number": None})
            bid_commitments.append({"bid_id": bid_id, "kind": "impact_jobs", "quantity": rng.randint(0, 8)})
            bid_ids.append((bid_id, org["id"]))
        if status == "gegund":
            bid_id, org_id = bid_ids[0]
            proc["awarded_bid_id"] = bid_id
            awarded_bids.append(pid)
            commitments.append({"organisation_id": org_id, "procedure_id": pid, "bid_id": bid_id,
                                "kind": "impact_jobs", "promised": rng.randint(1, 8), "start_date": proc["awarded_on"],
                                "due_date": _add_months(proc["awarded_on"], 24), "reported_realised": None,
                                "created_at": proc["awarded_at"]})
    # awarded_bid_id points at a bid: write the procedures without it first, then set it.
    awarded = {p["id"]: p.pop("awarded_bid_id") for p in procedures}
    for p in procedures:
        p["awarded_bid_id"] = None
    write(ctx, p_table, procedures)
    write(ctx, models.Criterion.__table__, criteria)
    write(ctx, models.PanelMember.__table__, panel)
    write(ctx, b_table, bids)
    write(ctx, models.BidCommitment.__table__, bid_commitments)
    write(ctx, models.Commitment.__table__, commitments)
    for pid, bid_id in awarded.items():
        if bid_id:
            db.session.execute(p_table.update().where(p_table.c.id == pid).values(awarded_bid_id=bid_id))


# --------------------------------------------------------------------------- dashboard
def seed_dashboard(ctx: Ctx):
    """Targets per municipality for last year, this year and next year."""
    models = dashboard_models
    partners = partners_models
    table = models.Target.__table__
    have = set(db.session.execute(select(table.c.municipality_id, table.c.year)).all())
    rows = []
    share = max(ctx.n // 100, 1)
    for muni_id, name in db.session.execute(select(partners.Municipality.id, partners.Municipality.name)):
        weight = dict(MUNICIPALITY_WEIGHTS).get(name, 5)
        for year in (ctx.today.year - 1, ctx.today.year, ctx.today.year + 1):
            if (muni_id, year) in have:
                continue
            rows.append({"municipality_id": muni_id, "year": year, "partners": share * weight,
                         "labels": share * weight * 2 // 3, "working_on_label": share * weight // 3,
                         "updated_at": ctx.now, "updated_by_id": ctx.accounts["mbo_staff"]})
    write(ctx, table, rows)


def seed_audit(ctx: Ctx):
    from portal.audit.models import AuditEntry

    write(ctx, AuditEntry.__table__, getattr(ctx, "audit_rows", []))


SEEDERS = (seed_accounts, seed_partners, seed_label, seed_events, seed_inkoop, seed_dashboard, seed_audit)


def seed_bench(n: int, seed: int = 8, echo=click.echo) -> Ctx:
    """Generate the whole data set in one transaction; returns the context with row counts."""
    from portal.auth.models import User

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-bench is refused when PORTAL_ENV=production.")
    if db.session.scalar(select(User.id).where(User.email == bench_email("admin"))) is not None:
        raise click.ClickException("This database holds bench data already; use a fresh database.")
    ctx = Ctx(n, seed)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for seeder in SEEDERS:
        started = time.monotonic()
        before = sum(ctx.counts.values())
        seeder(ctx)
        echo(f"  {seeder.__name__:<16} {sum(ctx.counts.values()) - before:>10,} rows  "
             f"{time.monotonic() - started:6.1f} s")
    db.session.flush()
    _fix_sequences(db.metadata.sorted_tables)
    db.session.commit()
    if postgres:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return ctx


@click.command("seed-bench")
@click.option("--orgs", "n", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Number of organisations.")
@click.option("--seed", default=8, show_default=True, help="Random seed (the same data every time).")
@with_appcontext
def seed_bench_command(n, seed):
    """Generate benchmark data at scale (refused in production)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-bench is refused when PORTAL_ENV=production.")
    started = time.monotonic()
    click.echo(f"seed-bench: {n:,} organisations")
    ctx = seed_bench(n, seed)
    total = sum(ctx.counts.values())
    click.echo(f"seed-bench: {total:,} rows in {time.monotonic() - started:.1f} s")
    for name, count in sorted(ctx.counts.items()):
        click.echo(f"  {name:<28} {count:>10,}")
    click.echo(f"Bench logins (password {BENCH_PASSWORD}): " + ", ".join(bench_email(r) for r in BENCH_ROLES))
    if getattr(ctx, "bench_event_id", None):
        click.echo(f"bench event: /evenementen/{ctx.bench_event_id}")


COMMANDS = [seed_bench_command]
