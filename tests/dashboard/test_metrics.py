"""Counts on the hand-built data set (see conftest.py), in SQL, agreeing with the packages' own status rules."""
from datetime import date

from sqlalchemy import select

from portal import clock
from portal.dashboard import metrics
from portal.dashboard.metrics import Filters, StatusCounts
from portal.extensions import db
from portal.label.history import label_status_on
from portal.partners.models import Organisation
from portal.partners.services import partner_status_on
from tests.dashboard.conftest import Q1_END, Q2_END, Q2_START


def test_partners_labels_and_working_on_the_label_on_two_quarter_ends(dataset):
    counts = _counted(metrics.status_counts([Q1_END, Q2_END], Filters(start=date(2024, 1, 1), end=Q2_END)))
    dordrecht, zwijndrecht = dataset.dordrecht.id, dataset.zwijndrecht.id
    # Q1: Alfa, Beta, Gamma, Delta partners; Alfa and Beta hold the label; Gamma and Delta work on it (every
    # partner without a valid label does).
    assert counts[Q1_END][dordrecht] == StatusCounts(labels=2, working=2)
    assert counts[Q1_END][dordrecht].partners == 4
    # Q2: Gamma left; Beta's label expired (it works on the label again); Delta got the label.
    assert counts[Q2_END][dordrecht] == StatusCounts(labels=2, working=1)
    assert counts[Q1_END][zwijndrecht] == StatusCounts(labels=1, working=0)
    # Epsilon's label is suspended: not a label; Epsilon is a partner, so it works on the label.
    assert counts[Q2_END][zwijndrecht] == StatusCounts(labels=0, working=1)
    assert metrics.total(counts[Q2_END]) == StatusCounts(labels=2, working=2)
    assert metrics.total(counts[Q2_END]).partners == 4


def _counted(per_date):
    return {day: counts.counted for day, counts in per_date.items()}


def test_filters_on_municipality_and_sector(dataset):
    counts = _counted(metrics.status_counts([Q1_END], Filters(start=Q1_END, end=Q1_END, sector="zorg")))
    # Beta (Dordrecht) and Epsilon (Zwijndrecht) are in zorg.
    assert counts[Q1_END][dataset.dordrecht.id] == StatusCounts(labels=1, working=0)
    assert counts[Q1_END][dataset.zwijndrecht.id] == StatusCounts(labels=1, working=0)
    only = _counted(metrics.status_counts([Q1_END], Filters(start=Q1_END, end=Q1_END,
                                                            municipality_id=dataset.zwijndrecht.id)))
    assert set(only[Q1_END]) == {dataset.zwijndrecht.id}


def _assert_agree_with_rules(days):
    ids = list(db.session.scalars(select(Organisation.id)))
    counts = _counted(metrics.status_counts(days, Filters(start=days[0], end=days[-1])))
    for day in days:
        partners = {i for i, s in partner_status_on(ids, day).items() if s == "partner"}
        holders = {i for i, snap in label_status_on(ids, day).items() if snap.status == "geldig"}
        expected = StatusCounts(labels=len(partners & holders), working=len(partners - holders),
                                label_only=len(holders - partners))
        assert metrics.total(counts[day]) == expected, day


def test_sql_counts_agree_with_the_partner_and_label_rules(dataset):
    """The GROUP BY query means the same as partner_status_on and label_status_on, split as the programme does."""
    _assert_agree_with_rules([date(2023, 12, 31), Q1_END, date(2024, 4, 9), date(2024, 4, 10), date(2024, 5, 31),
                              date(2024, 6, 1), Q2_END, date(2026, 3, 1), clock.today()])


def test_a_renewal_starting_later_does_not_hide_the_label_held_now(dataset, make_org):
    """Each date is judged on its own, also when another date in the same query sees the renewal."""
    from tests.dashboard.conftest import add_assessment, add_label

    eta = make_org(name="Eta")
    add_label(eta, date(2023, 1, 1), date(2024, 12, 31))
    add_label(eta, date(2025, 1, 1), date(2026, 12, 31))
    add_assessment(eta, dataset.criteria_set, date(2023, 11, 1))  # an assessment open all along
    db.session.commit()
    counts = _counted(metrics.status_counts([Q1_END, date(2025, 6, 30)],
                                            Filters(start=Q1_END, end=date(2025, 6, 30), sector="")))
    # Gamma and Delta work on the label on 31-03-2024; Eta holds one then, so it does not count as working.
    assert metrics.total(counts[Q1_END]).working == 2
    assert metrics.total(counts[date(2025, 6, 30)]).labels == 3  # Alfa, Delta and Eta's renewal
    _assert_agree_with_rules([Q1_END, date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), clock.today()])


def test_impact_jobs_in_a_quarter(dataset):
    stats = metrics.impact_jobs(Filters(start=Q2_START, end=Q2_END, municipality_id=dataset.dordrecht.id))
    assert (stats.active, stats.started, stats.durable) == (2, 1, 1)
    assert stats.by_target_group.counts == {"bijstand": 2, "vijftig_plus": 1}
    assert stats.by_target_group.extra == {"bijstand": 1, "vijftig_plus": 1}
    assert stats.by_contract_type.counts == {"vast": 1, "tijdelijk_kort": 1}
    assert stats.by_route.counts == {"wijk_naar_werk": 1, "werkshop": 1}
    assert stats.by_neighbourhood.counts == {"wielwijk": 1, "crabbehof": 1}
    everywhere = metrics.impact_jobs(Filters(start=Q2_START, end=Q2_END))
    assert (everywhere.active, everywhere.durable) == (3, 2)


def test_stageplekken_offered_and_filled(dataset):
    stats = metrics.stageplekken(Filters(start=Q2_START, end=Q2_END, municipality_id=dataset.dordrecht.id))
    assert (stats.offers, stats.places, stats.filled) == (2, 9, 8)
    assert stats.by_level.places == {"mbo2": 3, "hbo": 6}
    assert stats.by_field.extra == {"bouw_infra": 2, "ict": 6}
    # The mbo2 place ended in July 2024: not offered in Q4.
    later = metrics.stageplekken(Filters(start=date(2024, 10, 1), end=date(2024, 12, 31),
                                         municipality_id=dataset.dordrecht.id))
    assert later.by_level.places == {"hbo": 6}


def test_quarter_points_cut_the_last_quarter_at_the_end_date():
    points = metrics.quarter_points(date(2024, 2, 10), date(2024, 8, 15))
    assert [(p.label, p.on) for p in points] == [("2024 K1", date(2024, 3, 31)), ("2024 K2", date(2024, 6, 30)),
                                                 ("2024 K3", date(2024, 8, 15))]


def test_event_attendance_per_kind(dataset, events_and_commitments):
    rows = metrics.event_attendance(Filters(start=Q2_START, end=Q2_END))
    assert [(r.kind, r.events, r.confirmed, r.attended, r.organisations) for r in rows] == [("hr-tafel", 1, 3, 2, 2)]
    # With a filter only registrations of matching organisations count (the public guest drops out).
    rows = metrics.event_attendance(Filters(start=Q2_START, end=Q2_END, sector="ict"))
    assert [(r.kind, r.events, r.confirmed, r.attended, r.organisations) for r in rows] == [("hr-tafel", 1, 1, 1, 1)]
    assert metrics.event_attendance(Filters(start=Q1_END, end=Q1_END)) == []


def test_commitments_promised_against_realised(dataset, events_and_commitments):
    rows = {r.kind: r for r in metrics.commitments(Filters(start=Q2_START, end=Q2_END))}
    # Alfa logged two impact jobs starting since 1-1-2024; the jobs on site were reported in a follow-up.
    assert (rows["impact_jobs"].promised, rows["impact_jobs"].realised, rows["impact_jobs"].behind) == (3, 2, 0)
    assert (rows["jobs"].promised, rows["jobs"].realised, rows["jobs"].behind) == (10, 4, 1)
    # Alfa's mbo 2 stageplek (3 places) started in February; Delta's has no period and was logged today.
    assert (rows["stageplekken"].commitments, rows["stageplekken"].promised, rows["stageplekken"].realised,
            rows["stageplekken"].met) == (2, 6, 3, 1)
    now = {r.kind: r for r in metrics.commitments(Filters(start=clock.today(), end=clock.today()))}
    assert (now["stageplekken"].promised, now["stageplekken"].realised) == (4, 6)
    assert metrics.commitments(Filters(start=Q2_START, end=Q2_END, municipality_id=dataset.zwijndrecht.id)) == []


def test_commitment_sums_agree_with_the_inkoop_progress_rule(dataset, events_and_commitments):
    from portal.inkoop.commitments import progress
    from portal.inkoop.models import Commitment

    expected = {}
    for p in progress(list(db.session.scalars(select(Commitment))), today=Q2_END):
        promised, realised = expected.get(p.commitment.kind, (0, 0))
        expected[p.commitment.kind] = (promised + p.commitment.promised, realised + (p.realised or 0))
    rows = metrics.commitments(Filters(start=date(2024, 1, 1), end=Q2_END))
    assert {r.kind: (r.promised, r.realised) for r in rows} == expected


def test_partnership_changes_on_one_day_count_the_last(dataset, make_org):
    """Two changes with the same date: the later one holds, as in partner_status_on."""
    from portal.partners.models import PartnerStatusChange

    day = date(2024, 3, 15)
    joined = make_org(name="Zelfde dag partner", status="aanvraag")
    left = make_org(name="Zelfde dag gestopt")
    for org, statuses in ((joined, ("aanvraag", "partner")), (left, ("partner", "geschorst"))):
        for status in statuses:
            db.session.add(PartnerStatusChange(organisation_id=org.id, status=status, valid_from=day))
    db.session.commit()
    _assert_agree_with_rules([date(2024, 3, 14), day, Q1_END])
    ids = [joined.id, left.id]
    assert partner_status_on(ids, day) == {joined.id: "partner", left.id: "geschorst"}


def test_label_changes_on_one_day_count_the_last(dataset, make_org):
    from tests.dashboard.conftest import add_label

    day = date(2024, 8, 1)
    back = make_org(name="Weer geldig")
    gone = make_org(name="Ingetrokken")
    add_label(back, date(2024, 1, 1), date(2025, 12, 31), changes=[("geschorst", day), ("geldig", day)])
    add_label(gone, date(2024, 1, 1), date(2025, 12, 31), changes=[("geldig", day), ("ingetrokken", day)])
    # A renewal starting the same day as the old label: the later label counts.
    twice = make_org(name="Twee labels")
    first = add_label(twice, date(2024, 2, 1), date(2024, 12, 31), changes=[("geschorst", date(2024, 3, 1))])
    first.certificate_number += "-oud"
    db.session.flush()
    add_label(twice, date(2024, 2, 1), date(2026, 1, 31))
    db.session.commit()
    _assert_agree_with_rules([date(2024, 7, 31), day, date(2024, 8, 2), date(2024, 3, 2)])
    snapshots = label_status_on([back.id, gone.id, twice.id], day)
    assert [snapshots[o.id].status for o in (back, gone, twice)] == ["geldig", "ingetrokken", "geldig"]
