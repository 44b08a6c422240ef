"""Demo data: example value tables (marked as examples), an SROI obligation on the awarded demo tender,
Wijk naar Werk places with fillings, and an MBO-akkoord with Bouwbedrijf De Merwede."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.impact import agreements, sroi, tables, wijk
from portal.impact.models import ValueTable
from portal.impact.reference import EXAMPLE_RATES
from portal.partners.models import Organisation


def _example_table(year: int, staff) -> ValueTable:
    table = db.session.scalar(select(ValueTable).where(ValueTable.year == year))
    if table is None:
        table = tables.create_table(year, by=staff)
    if not table.published:
        tables.set_rates(table, {k: v for k, v in EXAMPLE_RATES.items()}, by=staff)
        table.is_example = True  # amounts for the demo: still examples, policy sets the real ones
        table.note = "Voorbeeldbedragen: vast te stellen door beleid."
        db.session.flush()
        tables.publish_table(table, by=staff)
    return table


def seed(accounts):
    staff, buyer, officer = accounts["mbo_staff"], accounts["inkoop"], accounts["gemeente"]
    today = clock.today()
    for year in range(today.year - 2, today.year + 1):
        _example_table(year, staff)

    # The awarded demo tender (portal.inkoop.demo): 5% SROI of its contract value.
    from portal.inkoop.models import Procedure

    tender = db.session.scalar(select(Procedure).where(Procedure.status == "gegund").order_by(Procedure.id))
    if tender is not None:
        sroi.set_obligation(tender, by=buyer, contract_value=Decimal("1185000"), share_pct=Decimal("5"),
                            start_date=tender.awarded_on, end_date=tender.awarded_on + timedelta(days=4 * 365))

    merwede = db.session.scalar(select(Organisation).where(Organisation.name == "Bouwbedrijf De Merwede"))
    others = list(db.session.scalars(select(Organisation).where(Organisation.partner_status == "partner")
                                     .order_by(Organisation.id).limit(6)))
    owner = accounts["ondernemer"]
    kickoff = date(2024, 9, 27)
    offers = [(merwede, "baan", "dordt_west", "bouw_infra", 2, True, False)]
    for n, org in enumerate(o for o in others if o is not merwede):
        offers.append((org, ("werkervaringsplek", "leerwerkplek", "baan")[n % 3],
                       ("dordt_west", "dordt_oost", "dordt_centrum")[n % 3], org.sector or "overig", 1 + n % 3,
                       n % 2 == 0, n % 3 == 0))
    routes = ("wijk_naar_werk", "werkshop", "baanbrekend", "perspct")
    for n, (org, kind, area, field, places, pilot, kickoff_too) in enumerate(offers):
        if org is None:
            continue
        start = max(kickoff, today - timedelta(days=400)) + timedelta(days=7 * n)
        place = wijk.offer_place(org, by=owner if org is merwede else staff, kind=kind, area=area, field=field,
                                 places=places, period_start=start, join_pilot=pilot, attends_kickoff=kickoff_too,
                                 note="Met een vaste begeleider op de werkvloer.")
        for m in range(places - (n % 2)):
            filled_on = min(today, start + timedelta(days=30 + 20 * m))
            wijk.fill_place(place, by=staff, route=routes[(n + m) % 4], filled_on=filled_on,
                            lasting=kind == "baan" or m % 2 == 0)

    if merwede is not None:
        akkoord = agreements.create_agreement(
            by=officer, kind="mbo_akkoord", title="MBO-akkoord Bouwbedrijf De Merwede", kvks=[merwede.kvk],
            start_date=date(today.year - 1, 1, 1), end_date=date(today.year + 1, 12, 31),
            description="Integrale wederkerige agenda: human capital, onderwijs en de wijkaanpak.")
        due = date(today.year + 1, 12, 31)
        agreements.add_goal(akkoord, by=officer, side="organisatie", description="Zes banen met impact",
                            measure="impact_jobs", target=6, due_date=due)
        agreements.add_goal(akkoord, by=officer, side="organisatie", description="Sociale waarde van 100.000 euro",
                            measure="sociale_waarde", target=100000, due_date=due)
        agreements.add_goal(akkoord, by=officer, side="organisatie", description="Twee plekken in Dordt-West",
                            measure="wijk_plaatsingen", target=2, due_date=due)
        kept = agreements.add_goal(akkoord, by=officer, side="gemeente",
                                   description="Accountmanager en een plek in het Leerwerkloket",
                                   due_date=date(today.year - 1, 6, 30))
        agreements.add_goal(akkoord, by=officer, side="gemeente",
                            description="Voorrang bij de Praktijktafels voor het bouwcluster", due_date=due)
        agreements.add_meeting(akkoord, by=officer, held_on=today - timedelta(days=40),
                               note="Voortgangsgesprek met de directie: de accountmanager is er, de eerste "
                                    "leerwerkplekken zijn gestart.", done_goal_ids=[kept.id])
