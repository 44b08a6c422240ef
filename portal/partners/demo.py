"""Demo data: the partner network as the progress report 2024 (seed 000) describes it, with members, impact jobs
and stageplekken, and Bouwbedrijf De Merwede for the demo ondernemer.

- Dordrecht: 75 partners on 30 September 2024 ("Per Q3 75 partners"), who joined during 2024; a few joined
  later, and a few of the 75 were suspended or left after that date.
- Zwijndrecht and Sliedrecht: partners only from 1 January 2025, when they joined the programme.
- The other Drechtsteden municipalities: organisations that registered or applied, no partners.
The labels and path steps of these partners are brought in by ``portal.partners.programme_demo``.
"""
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal import clock
from portal.auth.models import User, UserRole
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.partners import reference as ref
from portal.partners.models import (
    ImpactJob,
    Membership,
    Organisation,
    PartnerStatusChange,
    Stageplek,
)

MERWEDE_KVK = "24312345"

KINDS = [  # (kind of business, sector, typical job titles, typical stage fields)
    ("Bouwbedrijf", "bouw_infra", ["Timmerman", "Grondwerker", "Opperman", "Stratenmaker"]),
    ("Installatiebedrijf", "installatietechniek", ["Monteur installatietechniek", "Leerling-monteur"]),
    ("Transport", "vervoer_logistiek", ["Chauffeur", "Magazijnmedewerker", "Planner"]),
    ("Logistiek", "vervoer_logistiek", ["Orderpicker", "Heftruckchauffeur", "Magazijnmedewerker"]),
    ("Zorgcentrum", "zorg", ["Helpende zorg", "Medewerker huishouding", "Gastvrouw"]),
    ("Kinderopvang", "kinderopvang", ["Pedagogisch medewerker", "Groepshulp"]),
    ("Schoonmaakbedrijf", "schoonmaak", ["Schoonmaker", "Glazenwasser"]),
    ("Hoveniersbedrijf", "groen", ["Hovenier", "Medewerker groenonderhoud"]),
    ("Scheepswerf", "maritiem", ["Lasser", "Scheepsbouwer", "Matroos"]),
    ("Technisch Bureau", "techniek", ["Monteur", "Productiemedewerker", "CNC-operator"]),
    ("ICT-diensten", "ict", ["Servicedesk-medewerker", "Junior developer"]),
    ("Catering", "horeca", ["Keukenhulp", "Medewerker bediening"]),
    ("Energiebedrijf", "energietransitie", ["Monteur zonnepanelen", "Warmtepompmonteur"]),
    ("Adviesbureau", "zakelijke_dienstverlening", ["Administratief medewerker", "Receptionist"]),
    ("Supermarkt", "detailhandel", ["Vakkenvuller", "Kassamedewerker"]),
]
NAMES = ["Oude Maas", "Biesbosch", "Noordendijk", "Dordtse Kil", "Zeehaven", "Krispijn", "Sterrenburg",
         "Stadswerven", "Reeland", "Drechtoever", "Lindonk", "Van Dijk", "Verhoef", "De Graaf", "Bakker & Zn",
         "Hoogendoorn", "Van Wijngaarden", "Kooiman", "Smits", "Van der Linden", "Rijsdijk", "Wielwijk",
         "Crabbehof", "Merwedehaven", "Grote Kerk", "Wantij", "Baanhoek", "Kinderdijk", "Devel", "Nieuwe Merwede"]
STREETS = ["Noordendijk", "Spuiboulevard", "Merwedestraat", "Laan der Verenigde Naties", "Wieldrechtseweg",
           "Zeehavenweg", "Handelsweg", "Kilkade", "Rijksstraatweg", "Nijverheidsweg", "Dokweg", "Industrieweg"]
POSTCODES = {"Dordrecht": ["3311", "3312", "3313", "3314", "3315", "3316", "3317", "3318", "3319", "3328"],
             "Zwijndrecht": ["3331", "3332", "3333", "3334"], "Sliedrecht": ["3361", "3362", "3363"],
             "Papendrecht": ["3351", "3352", "3353"], "Alblasserdam": ["2951", "2952", "2953"],
             "Hendrik-Ido-Ambacht": ["3341", "3342", "3343"], "Hardinxveld-Giessendam": ["3371", "3372"]}
# The seeds' figure: Dordrecht partners on 30 September 2024 (Merwede is one of them).
Q3_2024 = date(2024, 9, 30)
DORDRECHT_Q3_2024 = 75
FIRST_PARTNER_DAY = date(2024, 2, 12)  # applications (a few weeks earlier) fall in 2024 too
PROGRAMME_STARTS = {"Dordrecht": FIRST_PARTNER_DAY, "Zwijndrecht": date(2025, 1, 1), "Sliedrecht": date(2025, 1, 1)}
# (municipality, status now, joined after 30 September 2024) for everyone but Merwede and the 2024 cohort.
LATER_PLAN = ([("Dordrecht", "partner")] * 12 + [("Zwijndrecht", "partner")] * 6 + [("Sliedrecht", "partner")] * 5)
# The 2024 cohort's statuses now: most still partner, a few suspended or left after 30 September 2024.
COHORT_STATUSES = ["partner"] * 67 + ["geschorst"] * 3 + ["beeindigd"] * 4
OTHER_STATUSES = ["aanvraag"] * 8 + ["geweigerd"] * 4 + ["geen"] * 6


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def seed(accounts):
    rng = random.Random(20240927)  # the Wijk naar Werk kick-off: the same data every time
    today = clock.today()
    munis = ref.ensure_municipalities()
    password_hash = hash_password("Impact-Drechtsteden-demo")  # one hash for every demo member: seeding stays quick
    used_kvk = set(db.session.scalars(select(Organisation.kvk)))
    staff = accounts.get("mbo_staff")

    def new_kvk():
        while True:
            kvk = f"{rng.randint(20000000, 29999999)}"
            if kvk not in used_kvk:
                used_kvk.add(kvk)
                return kvk

    def member(slug, n):
        email = f"{n}@{slug}.demo.ondernemenmetimpact.nl"
        user = User(email=email, name=f"{n.capitalize()} ({slug})", password_hash=password_hash,
                    email_verified_at=_at(today))
        user.roles.append(UserRole(role="ondernemer"))
        db.session.add(user)
        return user

    def history(org, status, since, changed_after=None):
        """A believable path to ``status``: application, decision, maybe a later change (after ``changed_after``)."""
        applied = since - timedelta(days=rng.randint(7, 40))
        org.applied_at = _at(applied)
        steps = [("aanvraag", applied, "")]
        if status in ("partner", "geschorst", "beeindigd"):
            steps.append(("partner", since, ""))
            org.partner_since = since
        if status == "geweigerd":
            steps.append(("geweigerd", since, "Geen vestiging in de Drechtsteden."))
        floor = changed_after or since
        if status == "geschorst":
            steps.append(("geschorst", max(since + timedelta(days=rng.randint(120, 400)), floor),
                          "Afspraken over banen met impact niet nagekomen; in gesprek."))
        if status == "beeindigd":
            steps.append(("beeindigd", max(since + timedelta(days=rng.randint(120, 500)), floor),
                          "Bedrijf verhuisd buiten de regio."))
        previous = "geen"
        for step_status, day, reason in steps:
            day = min(day, today)
            org.status_history.append(PartnerStatusChange(status=step_status, previous_status=previous, valid_from=day,
                                                          reason=reason, changed_by_id=staff.id if staff and
                                                          step_status != "aanvraag" else None))
            previous = step_status
        org.status_reason = steps[-1][2]
        org.status_changed_at = _at(min(steps[-1][1], today))
        org.motivation = "Wij willen bijdragen aan werk voor inwoners van de Drechtsteden."
        org.terms_accepted_at = org.applied_at

    def jobs(org, titles, count, since):
        start_floor = max(since, today - timedelta(days=730))
        span = max((today - start_floor).days, 1)
        for _i in range(count):
            start = start_floor + timedelta(days=rng.randint(0, span))
            contract = rng.choice([c for c, _ in ref.CONTRACT_TYPES])
            end, reason = None, ""
            if rng.random() < 0.3 and start < today - timedelta(days=60):
                end = min(start + timedelta(days=rng.randint(30, 400)), today)
                reason = rng.choice([r for r, _ in ref.END_REASONS])
            job = ImpactJob(organisation_id=org.id, title=rng.choice(titles), contract_type=contract,
                            hours_per_week=rng.choice([16, 20, 24, 28, 32, 36, 38, 40]), start_date=start,
                            end_date=end, end_reason=reason,
                            route=rng.choice([r for r, _ in ref.ROUTES] + [""]),
                            neighbourhood=rng.choice([n for n, _ in ref.NEIGHBOURHOODS] + ["", ""]),
                            profile=rng.choice([p for p, _ in ref.PROFILES] + [""]),
                            job_coaching=rng.random() < 0.4,
                            created_at=_at(start))
            job.target_groups = rng.sample([t for t, _ in ref.TARGET_GROUPS], rng.choice([1, 1, 2]))
            db.session.add(job)

    def plekken(org, sector, titles, count):
        for _i in range(count):
            start = today + timedelta(days=rng.randint(-60, 200))
            places = rng.choice([1, 1, 2, 3, 4])
            db.session.add(Stageplek(
                organisation_id=org.id, title=f"Stage {rng.choice(titles).lower()}",
                education_level=rng.choice([c for c, _ in ref.EDUCATION_LEVELS]),
                stage_type=rng.choice([c for c, _ in ref.STAGE_TYPES]), field=sector, places=places,
                places_filled=rng.randint(0, places), period_start=start, period_end=start + timedelta(days=150),
                school=rng.choice(["", "Da Vinci College", "Hoornbeeck College", "Hogeschool Rotterdam", ""]),
                sbb_recognised=rng.random() < 0.6, published=rng.random() < 0.75,
                description="Je leert het vak in de praktijk, met een vaste begeleider op de werkvloer."))

    # ---- Bouwbedrijf De Merwede, for the demo ondernemer
    merwede = Organisation(name="Bouwbedrijf De Merwede", kvk=MERWEDE_KVK, street="Merwedestraat 48",
                           postcode="3313 CS", city="Dordrecht", municipality=munis["Dordrecht"],
                           sector="bouw_infra", size_class="50-249", website="https://www.demerwede-bouw.example",
                           contact_name="Ondernemer (Bouwbedrijf De Merwede)", contact_phone="078 612 3456",
                           contact_email="info@demerwede-bouw.example", partner_status="partner")
    used_kvk.add(MERWEDE_KVK)
    history(merwede, "partner", date(2024, 3, 15))
    merwede.created_at = _at(merwede.applied_at.date() - timedelta(days=3))
    db.session.add(merwede)
    db.session.flush()
    if "ondernemer" in accounts:
        db.session.add(Membership(user_id=accounts["ondernemer"].id, organisation_id=merwede.id, role="beheerder"))
    colleague = member("demerwede", "uitvoerder")
    db.session.flush()
    db.session.add(Membership(user_id=colleague.id, organisation_id=merwede.id, role="lid"))
    jobs(merwede, ["Timmerman", "Grondwerker", "Opperman", "Leerling-metselaar", "Magazijnmedewerker"], 14,
         date(2024, 3, 15))
    plekken(merwede, "bouw_infra", ["Timmerman", "Uitvoerder", "Metselaar"], 4)

    # ---- the rest of the network: (municipality, status now, partner since, changed after)
    plan = []
    cohort = COHORT_STATUSES[:]
    rng.shuffle(cohort)
    span = (Q3_2024 - FIRST_PARTNER_DAY).days
    cohort_days = sorted(FIRST_PARTNER_DAY + timedelta(days=rng.randint(0, span)) for _ in cohort)
    cohort_days[-1] = Q3_2024  # the 75th signed on the last day of the quarter
    for status, since in zip(cohort, cohort_days, strict=True):
        plan.append(("Dordrecht", status, since, Q3_2024 + timedelta(days=14)))
    for town, status in LATER_PLAN:
        first = max(PROGRAMME_STARTS[town], Q3_2024 + timedelta(days=1))
        since = first + timedelta(days=rng.randint(0, max((today - first).days - 30, 1)))
        plan.append((town, status, since, None))
    for status in OTHER_STATUSES:
        plan.append((rng.choice(list(POSTCODES)), status, None, None))
    names = set()
    for index, (town, status, since, changed_after) in enumerate(plan):
        kind, sector, titles = rng.choice(KINDS)
        name = f"{kind} {rng.choice(NAMES)}"
        while name in names:
            name = f"{kind} {rng.choice(NAMES)}"
        names.add(name)
        postcode = (f"{rng.choice(POSTCODES[town])} "
                    f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}")
        slug = f"org{index + 1:02d}"
        org = Organisation(name=name, kvk=new_kvk(), street=f"{rng.choice(STREETS)} {rng.randint(1, 240)}",
                           postcode=postcode, city=town, municipality=munis[town], sector=sector,
                           size_class=rng.choice(["1-9", "10-49", "10-49", "50-249", "250+"]),
                           website=f"https://www.{slug}.example", contact_name=f"Contactpersoon {name}",
                           contact_phone=f"078 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                           contact_email=f"info@{slug}.example", partner_status=status,
                           created_at=_at(today - timedelta(days=rng.randint(30, 600))))
        if status == "aanvraag":
            applied = today - timedelta(days=rng.randint(1, 30))
            org.applied_at = _at(applied)
            org.motivation = "Wij willen graag meedoen met Wijk naar Werk en stageplekken aanbieden."
            org.terms_accepted_at = org.applied_at
            org.created_at = _at(applied - timedelta(days=2))
            org.status_history.append(PartnerStatusChange(status="aanvraag", previous_status="geen",
                                                          valid_from=applied))
        elif status == "geweigerd":
            history(org, status, today - timedelta(days=rng.randint(40, 400)))
        elif status != "geen":
            history(org, status, since, changed_after)
            org.created_at = _at(org.applied_at.date() - timedelta(days=rng.randint(1, 10)))
        db.session.add(org)
        db.session.flush()
        admin = member(slug, "beheerder")
        db.session.flush()
        db.session.add(Membership(user_id=admin.id, organisation_id=org.id, role="beheerder"))
        if rng.random() < 0.4:
            lid = member(slug, "hr")
            db.session.flush()
            db.session.add(Membership(user_id=lid.id, organisation_id=org.id, role="lid"))
        if status in ("partner", "geschorst", "beeindigd"):
            jobs(org, titles, rng.randint(0, 10), org.partner_since)
            plekken(org, sector, titles, rng.randint(0, 3))
        elif status == "aanvraag" and rng.random() < 0.5:
            plekken(org, sector, titles, 1)
    db.session.flush()
