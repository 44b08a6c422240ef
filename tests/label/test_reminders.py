"""`flask label remind`: 90 and 30 days before expiry, never twice, and expiry after the end date."""
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.label.history import today
from portal.label.models import Label, LabelReminder
from tests.label.test_history import approve_now, move_label


def test_reminders_are_sent_once_per_moment(app, runner, member_org, staff, mailbox):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    # 80 days left: the 90-day reminder is due.
    move_label(label, today() - timedelta(days=1000))
    label = db.session.get(Label, label.id)
    label.valid_until = today() + timedelta(days=80)
    db.session.commit()
    mailbox.clear()

    result = runner.invoke(args=["label", "remind"])
    assert result.exit_code == 0, result.output
    assert "reminders sent 1" in result.output
    mails = mailbox.to(member.email)
    assert len(mails) == 1 and mails[0]["Subject"] == "Uw label verloopt over 80 dagen"

    assert "reminders sent 0" in runner.invoke(args=["label", "remind"]).output
    assert len(mailbox.to(member.email)) == 1

    # Twenty days left: the 30-day reminder, once.
    later = (today() + timedelta(days=60)).isoformat()
    assert "reminders sent 1" in runner.invoke(args=["label", "remind", "--date", later]).output
    assert "reminders sent 0" in runner.invoke(args=["label", "remind", "--date", later]).output
    moments = db.session.scalars(select(LabelReminder.moment).order_by(LabelReminder.id)).all()
    assert moments == ["90", "30"]
    assert len(mailbox.to(member.email)) == 2


def test_late_first_run_sends_only_the_nearest_reminder(app, runner, member_org, staff, mailbox):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    label = db.session.get(Label, label.id)
    label.valid_until = today() + timedelta(days=10)
    db.session.commit()
    mailbox.clear()
    runner.invoke(args=["label", "remind"])
    assert db.session.scalars(select(LabelReminder.moment)).all() == ["30"]
    assert len(mailbox.to(member.email)) == 1


def test_remind_marks_ended_labels_expired(app, runner, member_org, staff):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    move_label(label, today() - timedelta(days=900))
    result = runner.invoke(args=["label", "remind"])
    assert "labels expired 1" in result.output
    assert db.session.get(Label, label.id).status == "verlopen"
