""""What was the label status of KvK X on date D": exact answers around award, suspension and expiry."""
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.label import assessments, awards, review
from portal.label.errors import LabelError
from portal.label.history import label_status_of, label_status_on, today, working_on_label_on
from portal.label.models import Label
from portal.mail.outbox import send_pending
from tests.label.conftest import FULL, answer_all, review_all
from tests.querycount import count_queries


def approve_now(org, member, staff):
    item = assessments.start_assessment(org, member)
    db.session.commit()
    item = answer_all(item, member, FULL)
    assessments.submit_assessment(item, member)
    review.start_review(item, staff)
    review_all(item, staff)
    label = review.approve(assessments.load(item.id), staff)
    db.session.commit()
    send_pending()  # mail queued outside a request waits for cron; deliver it now
    return item, label


def move_label(label, start):
    """Put a label's award at ``start`` (as if approved then)."""
    label.valid_from = start
    label.valid_until = awards.validity_end(start)
    label.history[0].effective_on = start
    db.session.commit()


def test_status_around_award_suspension_and_expiry(app, member_org, staff):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    d0 = today()
    assert label.valid_from == d0
    # Two years by default: valid up to and including the day before the second anniversary.
    assert label.valid_until == date(d0.year + 2, d0.month, d0.day) - timedelta(days=1) or d0.month == 2
    assert label_status_of(org.id, d0 - timedelta(days=1)).status == "geen"
    snap = label_status_of(org.id, d0)
    assert snap.status == "geldig" and snap.certificate_number == label.certificate_number
    assert snap.verification_path == f"/label/verificatie/{label.certificate_number}"

    move_label(label, d0 - timedelta(days=100))
    awards.suspend_label(label, staff, "Onderzoek naar klacht")
    db.session.commit()
    assert label_status_of(org.id, d0 - timedelta(days=1)).status == "geldig"
    assert label_status_of(org.id, d0).status == "geschorst"
    awards.reinstate_label(label, staff, "Klacht ongegrond")
    db.session.commit()
    assert label_status_of(org.id, d0).status == "geldig"  # the last change of the day counts
    assert label_status_of(org.id, label.valid_until).status == "geldig"
    assert label_status_of(org.id, label.valid_until + timedelta(days=1)).status == "verlopen"

    awards.withdraw_label(label, staff, "Afspraken niet nagekomen")
    db.session.commit()
    assert label_status_of(org.id, d0).status == "ingetrokken"
    assert label_status_of(org.id, label.valid_until + timedelta(days=10)).status == "ingetrokken"
    assert label_status_of(org.id, d0 - timedelta(days=1)).status == "geldig"  # the past stays as it was
    with pytest.raises(LabelError):
        awards.reinstate_label(label, staff, "Toch wel")


def test_expiry_marks_the_label_and_keeps_the_past(app, member_org, staff, mailbox):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    start = today() - timedelta(days=800)
    move_label(label, start)
    assert awards.expire_labels() == 1
    db.session.commit()
    label = db.session.get(Label, label.id)
    assert label.status == "verlopen"
    assert label.history[-1].effective_on == label.valid_until + timedelta(days=1)
    assert label_status_of(org.id, label.valid_until).status == "geldig"
    assert label_status_of(org.id, label.valid_until + timedelta(days=1)).status == "verlopen"
    send_pending()
    assert mailbox.last_to(member.email)["Subject"] == "Uw label is verlopen"
    assert awards.expire_labels() == 0


def test_renewal_label_starts_when_the_old_one_ends(app, member_org, staff):
    org, member = member_org
    _, first = approve_now(org, member, staff)
    move_label(first, today() - timedelta(days=700))
    _, second = approve_now(org, member, staff)
    assert second.valid_from == first.valid_until + timedelta(days=1)
    assert label_status_of(org.id, first.valid_until).certificate_number == first.certificate_number
    assert label_status_of(org.id, second.valid_from).certificate_number == second.certificate_number


def test_many_organisations_in_one_query(app, make_org, member_org, staff):
    org, member = member_org
    approve_now(org, member, staff)
    others = [make_org() for _ in range(5)]
    ids = [org.id] + [o.id for o in others]
    with count_queries() as q:
        result = label_status_on(ids, today())
    assert q.count == 1
    assert result[org.id].status == "geldig"
    assert {result[o.id].status for o in others} == {"geen"}
    assert label_status_on([], today()) == {}


def test_working_on_the_label(app, member_org, staff):
    org, member = member_org
    d0 = today()
    item = assessments.start_assessment(org, member)
    db.session.commit()
    assert working_on_label_on([org.id], d0) == {org.id}
    assert working_on_label_on([org.id], d0 - timedelta(days=1)) == set()
    item = answer_all(item, member, FULL)
    assessments.submit_assessment(item, member)
    review.start_review(item, staff)
    review_all(item, staff)
    review.approve(assessments.load(item.id), staff)
    db.session.commit()
    # Approved today: from today the organisation has the label and no longer "works on it".
    assert working_on_label_on([org.id], d0) == set()
    assert label_status_of(org.id, d0).status == "geldig"
