"""The programme's counting rule on its edges: the SQL form, the per-organisation form and a plain-Python
computation from the raw history rows agree (run on SQLite, and on PostgreSQL with TEST_DATABASE_URL)."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.label.models import Label, LabelStatusChange
from portal.partners.models import Municipality, Organisation, PartnerStatusChange
from portal.programme import standing
from portal.programme.standing import GEEN, HEEFT_LABEL, LABEL_ZONDER_PARTNERSCHAP, WERKT_AAN_LABEL


def add_label(org, valid_from, valid_until, changes=()):
    label = Label(organisation_id=org.id, certificate_number=f"OMI-P-{org.id}-{valid_from.isoformat()}",
                  valid_from=valid_from, valid_until=valid_until, status="geldig")
    label.history.append(LabelStatusChange(status="geldig", effective_on=valid_from))
    for status, on in changes:
        label.history.append(LabelStatusChange(status=status, effective_on=on))
    db.session.add(label)
    db.session.flush()
    return label


def partnership(org, *steps):
    """Replace the organisation's partnership history with ``steps`` of (status, valid_from)."""
    for change in list(org.status_history):
        db.session.delete(change)
    db.session.flush()
    for status, on in steps:
        db.session.add(PartnerStatusChange(organisation_id=org.id, status=status, valid_from=on))
    db.session.flush()


# --------------------------------------------------------------------------- the plain-Python reference
def plain_groups(day: date) -> dict[int, tuple[str, bool]]:
    """{org_id: (group, counted)} computed in Python from every history row, without the portal's code."""
    result = {}
    for org in db.session.scalars(select(Organisation)):
        changes = sorted(db.session.scalars(select(PartnerStatusChange)
                                            .where(PartnerStatusChange.organisation_id == org.id)),
                         key=lambda c: (c.valid_from, c.id))
        status = "geen"
        for change in changes:
            if change.valid_from <= day:
                status = change.status
        labels = sorted((lab for lab in db.session.scalars(select(Label).where(Label.organisation_id == org.id))
                         if lab.valid_from <= day), key=lambda lab: (lab.valid_from, lab.id))
        valid = False
        if labels:
            current = labels[-1]
            label_status = "geldig"
            for change in sorted(current.history, key=lambda c: (c.effective_on, c.id)):
                if change.effective_on <= day:
                    label_status = change.status
            valid = label_status in ("geldig", "verlopen") and day <= current.valid_until
        partner = status == "partner"
        group = (HEEFT_LABEL if valid else WERKT_AAN_LABEL) if partner else (LABEL_ZONDER_PARTNERSCHAP if valid
                                                                            else GEEN)
        muni = org.municipality
        counted = muni is None or (muni.active and (muni.joins_on is None or muni.joins_on <= day))
        result[org.id] = (group, counted)
    return result


def assert_all_forms_agree(days):
    ids = list(db.session.scalars(select(Organisation.id)))
    sql = standing.counts_on(days)
    for day in days:
        expected = plain_groups(day)
        per_org = standing.standing_on(ids, day)
        assert {i: (s.group, s.counted) for i, s in per_org.items()} == expected, day
        for counted, kept in ((True, sql[day].counted), (False, sql[day].not_counted)):
            groups = [g for g, c in expected.values() if c is counted]
            total = sum(kept.values(), standing.StandingCounts())
            assert (total.labels, total.working, total.label_only) == (
                groups.count(HEEFT_LABEL), groups.count(WERKT_AAN_LABEL), groups.count(LABEL_ZONDER_PARTNERSCHAP)
            ), (day, counted)
            # Label + working = partners, always.
            assert total.partners == total.labels + total.working


@pytest.fixture
def edges(app, make_org):
    """One organisation per edge of the rule (make_org: partner since 15-01-2024, Dordrecht from the start)."""
    same_day = make_org(name="Stopt op de labeldag")  # partnership ends the day its label starts
    partnership(same_day, ("partner", date(2024, 1, 15)), ("beeindigd", date(2024, 6, 1)))
    add_label(same_day, date(2024, 6, 1), date(2026, 5, 31))
    suspended = make_org(name="Geschorst label")
    add_label(suspended, date(2024, 2, 1), date(2026, 1, 31), changes=[("geschorst", date(2024, 6, 1))])
    ended = make_org(name="Gestopte partner met label")
    partnership(ended, ("partner", date(2024, 1, 15)), ("beeindigd", date(2024, 4, 1)))
    add_label(ended, date(2024, 2, 1), date(2026, 1, 31))
    working = make_org(name="Partner zonder label")
    expired = make_org(name="Verlopen label")
    add_label(expired, date(2022, 6, 1), date(2024, 5, 31))
    zwijndrecht = make_org(name="Zwijndrechts bedrijf", municipality="Zwijndrecht")
    add_label(zwijndrecht, date(2024, 3, 1), date(2026, 2, 28))
    applicant = make_org(name="Aanvrager", status="aanvraag")
    db.session.commit()
    return dict(same_day=same_day, suspended=suspended, ended=ended, working=working, expired=expired,
                zwijndrecht=zwijndrecht, applicant=applicant)


def test_partnership_ending_the_day_a_label_starts(edges):
    org = edges["same_day"].id
    before, on = standing.standing_on([org], date(2024, 5, 31))[org], standing.standing_on([org], date(2024, 6, 1))[org]
    assert (before.partner, before.label, before.group) == (True, False, WERKT_AAN_LABEL)
    # From that day it is no partner: its label is counted apart, not in the headline.
    assert (on.partner, on.label, on.group) == (False, True, LABEL_ZONDER_PARTNERSCHAP)
    assert_all_forms_agree([date(2024, 5, 31), date(2024, 6, 1)])


def test_a_suspended_label_is_not_valid_its_holder_works_on_the_label(edges):
    org = edges["suspended"].id
    assert standing.standing_on([org], date(2024, 5, 31))[org].group == HEEFT_LABEL
    assert standing.standing_on([org], date(2024, 6, 1))[org].group == WERKT_AAN_LABEL
    assert_all_forms_agree([date(2024, 5, 31), date(2024, 6, 1)])


def test_the_label_of_an_ended_partner_is_counted_apart(edges):
    org = edges["ended"].id
    assert standing.standing_on([org], date(2024, 3, 31))[org].group == HEEFT_LABEL
    assert standing.standing_on([org], date(2024, 4, 1))[org].group == LABEL_ZONDER_PARTNERSCHAP
    counts = standing.counts_on([date(2024, 4, 1)])[date(2024, 4, 1)].counted
    dordrecht = db.session.scalar(select(Municipality.id).where(Municipality.name == "Dordrecht"))
    assert counts[dordrecht].label_only == 1  # "ended"; "same_day" is still a partner then
    assert_all_forms_agree([date(2024, 3, 31), date(2024, 4, 1)])


def test_an_expired_label_and_an_applicant(edges):
    assert standing.standing_on([edges["expired"].id], date(2024, 6, 1))[edges["expired"].id].group == WERKT_AAN_LABEL
    assert standing.standing_on([edges["expired"].id], date(2024, 5, 31))[edges["expired"].id].group == HEEFT_LABEL
    assert standing.standing_on([edges["applicant"].id], date(2024, 6, 1))[edges["applicant"].id].group == GEEN


def test_a_municipality_joining_on_the_date(edges):
    """Zwijndrecht joins on 01-01-2025: its partner with a label is left out on 31-12-2024, counted from then."""
    org = edges["zwijndrecht"]
    zwijndrecht = org.municipality
    assert zwijndrecht.joins_on == date(2025, 1, 1)
    eve, day = date(2024, 12, 31), date(2025, 1, 1)
    assert standing.standing_on([org.id], eve)[org.id].counted is False
    assert standing.standing_on([org.id], day)[org.id].counted is True
    counts = standing.counts_on([eve, day])
    assert zwijndrecht.id not in counts[eve].counted and counts[eve].not_counted[zwijndrecht.id].labels == 1
    assert counts[day].counted[zwijndrecht.id].labels == 1 and zwijndrecht.id not in counts[day].not_counted
    assert zwijndrecht.takes_part_on(day) and not zwijndrecht.takes_part_on(eve)
    # A municipality that does not take part at all is never counted.
    zwijndrecht.active = False
    db.session.commit()
    assert standing.standing_on([org.id], day)[org.id].counted is False
    assert_all_forms_agree([eve, day, date(2025, 6, 30)])


def test_all_forms_agree_on_every_day_around_the_edges(edges):
    days = [date(2024, 1, 14), date(2024, 1, 15), date(2024, 2, 1), date(2024, 3, 31), date(2024, 4, 1),
            date(2024, 5, 31), date(2024, 6, 1), date(2024, 12, 31), date(2025, 1, 1), date(2026, 6, 1)]
    assert_all_forms_agree(days)


def test_counts_take_one_query_whatever_the_number_of_dates(edges):
    from tests.querycount import count_queries

    with count_queries() as one:
        standing.counts_on([date(2024, 3, 31)])
    with count_queries() as many:
        standing.counts_on([date(2024, m, 28) for m in range(1, 13)])
    assert one.count == many.count == 1
