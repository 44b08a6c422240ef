"""Audit log entries are present for every state change.

A generic probe watches the SQLAlchemy session during every request: what each committed transaction inserted,
updated or deleted (unit-of-work flushes and bulk UPDATE/DELETE/INSERT statements alike) and which audit entries
it wrote. The scenarios below drive the main state-changing actions of every package through the test client;
every request that committed a change to a domain table must have written an audit entry in the same request.
The set-up happens outside requests (through the rules), so only the actions under test are checked.
"""
import io
from datetime import timedelta

import pytest
from flask import g, has_request_context, request
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal import clock
from portal.extensions import db
from tests.conftest import PASSWORD, login

# Tables whose changes are bookkeeping, not a user's state change; keep this list short.
EXEMPT_TABLES = {
    "audit_entry",  # the audit log itself
    "outbox",  # queued mail: a consequence of an audited action, and marked sent after the commit
    "municipality",  # the fixed list of Drechtsteden municipalities, filled on first use (reference data)
    "dashboard_snapshot",  # cached figures for the dashboard, recomputed from audited data
    "user_session",  # logged-in browsers (log-in, log-out, last use); "log out everywhere" is audited
    "label_reminder_log",  # which reminder mails went out (cron, to send each once)
    "event_reminder_log",
}
# Columns whose change alone is bookkeeping: the login time is written on every login.
EXEMPT_COLUMNS = {("user", "last_login_at")}


class AuditProbe:
    """Per request: the tables changed by committed transactions and the audit actions they wrote."""

    def __init__(self, app):
        self.app = app
        self.requests = []
        self._listeners = [
            (Session, "after_flush", self._after_flush),
            (Session, "do_orm_execute", self._orm_execute),
            (Session, "after_commit", self._after_commit),
            (Session, "after_rollback", self._after_rollback),
        ]

    def install(self):
        for target, name, fn in self._listeners:
            event.listen(target, name, fn)
        self.app.before_request(self._before_request)
        self.app.after_request(self._after_request)

    def remove(self):
        for target, name, fn in self._listeners:
            event.remove(target, name, fn)

    # ---- session events
    @staticmethod
    def _pending(session):
        return session.info.setdefault("audit_probe", {"tables": set(), "actions": []})

    def _after_flush(self, session, flush_context):
        if not has_request_context():
            return
        pending = self._pending(session)
        for obj in session.new:
            table = obj.__table__.name
            if table == "audit_entry":
                pending["actions"].append(obj.action)
            pending["tables"].add(table)
        for obj in session.dirty:
            if not session.is_modified(obj, include_collections=False):
                continue
            table = obj.__table__.name
            state = inspect(obj)
            changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
            if changed and all((table, column) in EXEMPT_COLUMNS for column in changed):
                continue
            pending["tables"].add(table)
        for obj in session.deleted:
            pending["tables"].add(obj.__table__.name)

    def _orm_execute(self, state):
        if has_request_context() and (state.is_update or state.is_delete or state.is_insert):
            table = getattr(state.statement, "table", None)
            if table is not None:
                self._pending(state.session)["tables"].add(table.name)

    def _after_commit(self, session):
        pending = session.info.pop("audit_probe", None)
        if pending and has_request_context() and "audit_probe" in g:
            g.audit_probe["tables"] |= pending["tables"]
            g.audit_probe["actions"] += pending["actions"]

    def _after_rollback(self, session):
        session.info.pop("audit_probe", None)

    # ---- request hooks
    def _before_request(self):
        g.audit_probe = {"tables": set(), "actions": []}

    def _after_request(self, response):
        seen = g.pop("audit_probe", None)
        if seen is not None:
            self.requests.append({"method": request.method, "path": request.path, "endpoint": request.endpoint,
                                  "status": response.status_code, "tables": seen["tables"] - EXEMPT_TABLES,
                                  "actions": list(seen["actions"])})
        return response

    # ---- checks
    def changed(self):
        """Requests that answered with success and committed a change to a domain table."""
        return [r for r in self.requests if r["tables"] and r["status"] < 400]

    def gaps(self):
        return [r for r in self.changed() if not r["actions"]]

    def check(self, expected_endpoints):
        """No unaudited change, and every expected endpoint really changed something (the scenario worked)."""
        report = "\n".join(f"  {r['method']} {r['path']} ({r['endpoint']}) -> {r['status']}: "
                           f"changed {sorted(r['tables'])} without an audit entry" for r in self.gaps())
        assert not report, "state changes without an audit entry:\n" + report
        done = {r["endpoint"] for r in self.changed()}
        missing = set(expected_endpoints) - done
        assert not missing, f"these actions changed nothing (the scenario did not reach them): {sorted(missing)}"
        return done


@pytest.fixture
def probe(app):
    probe = AuditProbe(app)
    probe.install()
    yield probe
    probe.remove()


def ok(response, *codes):
    codes = codes or (302,)
    assert response.status_code in codes, f"{response.status_code}: {response.get_data(as_text=True)[:3000]}"
    return response


def as_user(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


# --------------------------------------------------------------------------- the probe itself
def test_the_probe_sees_an_unaudited_change(app, probe, client, make_user):
    """A view that changes a row without an audit entry is reported (the check is not vacuous)."""
    from portal.auth.models import User
    from portal.permissions import public

    user_id = make_user().id

    @public
    def rename():
        db.session.get(User, user_id).name = "Stiekem veranderd"
        db.session.commit()
        return "ok"

    app.add_url_rule("/_probe_test", "probe_test", rename, methods=["POST"])
    ok(client.post("/_probe_test"), 200)
    assert [(g["endpoint"], sorted(g["tables"])) for g in probe.gaps()] == [("probe_test", ["user"])]
    with pytest.raises(AssertionError, match="without an audit entry"):
        probe.check(())


def test_a_login_alone_is_bookkeeping(app, probe, client, make_user):
    login(client, make_user().email)
    assert probe.gaps() == []


# --------------------------------------------------------------------------- partners
def test_partners_actions_are_audited(app, probe, client, make_user, make_org, mailbox):
    from portal.partners.models import ImpactJob, Invitation, JoinRequest, Membership, Organisation, Stageplek
    from tests.partners.test_import import csv_bytes
    from tests.partners.test_jobs_and_stageplekken import job_form, stage_form
    from tests.partners.test_registration import org_form

    owner = make_user()
    staff = make_user("mbo_staff")
    login(client, owner.email)
    ok(client.post("/organisatie/aanmelden", data=org_form()))
    org = db.session.scalar(select(Organisation).where(Organisation.kvk == "24123456"))
    ok(client.post("/organisatie/partnerschap", data={"motivation": "Werk voor Crabbehof.", "accept_terms": "y"}))
    ok(client.post("/organisatie/gegevens", data=org_form(**{"org-city": "Dordrecht-Oost"})))

    officer = as_user(app, staff)
    ok(officer.post(f"/partners/{org.id}/goedkeuren", data={"confirm": "ja"}))
    ok(officer.post(f"/partners/{org.id}/gegevens", data=org_form(**{"org-contact_name": "Nieuwe Contact"})))

    ok(client.post("/organisatie/banen/nieuw", data=job_form()))
    job = db.session.scalar(select(ImpactJob))
    ok(client.post(f"/organisatie/banen/{job.id}", data=job_form(title="Chauffeur C")))
    ok(client.post(f"/organisatie/banen/{job.id}/afsluiten",
                   data={"end_date": clock.today().isoformat(), "end_reason": "anders"}), 302, 200)
    ok(client.post(f"/organisatie/banen/{job.id}/verwijderen"))
    ok(client.post("/organisatie/stageplekken/nieuw", data=stage_form()))
    plek = db.session.scalar(select(Stageplek))
    ok(client.post(f"/organisatie/stageplekken/{plek.id}", data=stage_form(title="Stage elektro")))
    ok(client.post(f"/organisatie/stageplekken/{plek.id}/publiceren", data={"published": "0"}))
    ok(client.post(f"/organisatie/stageplekken/{plek.id}/verwijderen"))

    ok(client.post("/organisatie/leden/uitnodigen", data={"email": "collega@wantij.example", "role": "lid"}))
    invitation = db.session.scalar(select(Invitation))
    ok(client.post(f"/organisatie/uitnodigingen/{invitation.id}/intrekken"))
    ok(client.post("/organisatie/leden/uitnodigen", data={"email": "nieuw@wantij.example", "role": "lid"}))
    from tests.conftest import Mailbox

    link = Mailbox.link(mailbox.last_to("nieuw@wantij.example"), "/uitnodiging/")
    newcomer = make_user(email="nieuw@wantij.example")
    guest = as_user(app, newcomer)
    ok(guest.post(link[link.index("/uitnodiging/"):], data={}))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == newcomer.id))
    assert membership is not None
    ok(client.post(f"/organisatie/leden/{membership.id}/rol", data={"role": "beheerder"}))
    ok(client.post(f"/organisatie/leden/{membership.id}/verwijderen"))

    asker = make_user()
    asking = as_user(app, asker)
    ok(asking.post("/organisatie/aansluiten", data={"join-kvk": org.kvk, "join-message": "Ik werk hier."}))
    join = db.session.scalar(select(JoinRequest))
    ok(client.post(f"/organisatie/verzoeken/{join.id}", data={"decision": "accept"}))
    ok(asking.post("/organisatie/verlaten"))

    # A join request to an organisation nobody manages is decided by St. MBO.
    orphan = make_org(name="Zonder beheerder", kvk="24000017")
    ok(asking.post("/organisatie/aansluiten", data={"join-kvk": orphan.kvk, "join-message": ""}))
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.organisation_id == orphan.id))
    ok(officer.post(f"/partners/verzoeken/{join.id}", data={"decision": "accept"}))

    ok(officer.post(f"/partners/{org.id}/status", data={"action": "suspend", "reason": "Onderzoek"}))
    ok(officer.post(f"/partners/{org.id}/status", data={"action": "reinstate", "reason": "Afgerond"}))
    refused = make_org(name="Aanvrager", kvk="24000025", status="aanvraag")
    ok(officer.post(f"/partners/{refused.id}/status", data={"action": "refuse", "reason": "Buiten de regio"}))

    response = ok(officer.post("/partners/import", data={"file": (io.BytesIO(csv_bytes()), "partners.csv")},
                               content_type="multipart/form-data"))
    ok(officer.post(response.headers["Location"], data={}))

    probe.check({"partners.start", "partners.apply", "partners.edit_org", "partners.approve", "partners.change_status",
                 "partners.staff_edit", "partners.job_new", "partners.job_edit", "partners.job_close",
                 "partners.job_delete", "partners.stageplek_new", "partners.stageplek_edit",
                 "partners.stageplek_publish", "partners.stageplek_delete", "partners.invite",
                 "partners.revoke_invitation", "partners.accept_invitation", "partners.change_role",
                 "partners.remove_member", "partners.request_join", "partners.decide_join", "partners.leave",
                 "partners.staff_decide_join", "partners.import_upload", "partners.import_preview"})


# --------------------------------------------------------------------------- label
def test_label_actions_are_audited(app, probe, client, make_user, make_org, mailbox):
    from portal.label.models import Assessment, CriteriaSet, Label
    from tests.label.conftest import PDF, build_set

    staff = make_user("mbo_staff")
    build_set(staff)
    officer = as_user(app, staff)

    # Criteria set: a new concept, edited and published.
    ok(officer.post("/label/criteria/nieuw", data={}))
    concept = db.session.scalar(select(CriteriaSet).where(CriteriaSet.status == "concept"))
    ok(officer.post(f"/label/criteria/{concept.id}", data={"name": "Versie 2", "description": "",
                                                           "min_total_pct": "60", "min_theme_pct": "50"}))
    ok(officer.post(f"/label/criteria/{concept.id}/thema", data={"thema-title": "Kwaliteit van banen",
                                                                 "thema-weight": "2", "thema-description": ""}))
    db.session.expire_all()
    theme = db.session.get(CriteriaSet, concept.id).themes[-1]
    ok(officer.post(f"/label/criteria/thema/{theme.id}", data={"title": "Kwaliteit van werk", "weight": "1",
                                                               "description": ""}))
    ok(officer.post(f"/label/criteria/thema/{theme.id}/vraag", data={
        "vraag-question": "Biedt u deeltijders meer uren?", "vraag-options": "0 | Nee\n2 | Ja"}))
    db.session.expire_all()
    criterion = db.session.get(CriteriaSet, concept.id).themes[-1].criteria[0]
    ok(officer.post(f"/label/criteria/vraag/{criterion.id}", data={
        "question": "Biedt u deeltijders vaker meer uren?", "options": "0 | Nee\n2 | Ja"}))
    ok(officer.post(f"/label/criteria/{concept.id}/publiceren", data={}))

    # The organisation's self-assessment.
    member = make_user()
    org = make_org(members=[member])
    client = as_user(app, member)
    ok(client.post("/label/zelfscan/starten", data={}))
    item = db.session.scalar(select(Assessment))
    chosen = {c.id: max(c.options, key=lambda o: o.points).id for t in item.criteria_set.themes for c in t.criteria}
    for theme in item.criteria_set.themes:
        db.session.refresh(item)
        data = {"version": str(item.version), "next": "0"}
        for c in theme.criteria:
            data[f"option-{c.id}"] = str(chosen[c.id])
            data[f"explanation-{c.id}"] = "Zo doen wij het."
        ok(client.post(f"/label/zelfscan/{item.id}/thema/{theme.id}", data=data))
        for c in theme.criteria:
            if c.evidence_required:
                ok(client.post(f"/label/zelfscan/{item.id}/vraag/{c.id}/bewijs",
                               data={"file": (io.BytesIO(PDF), "beleid.pdf")}, content_type="multipart/form-data"))
                ok(client.post(f"/label/zelfscan/{item.id}/vraag/{c.id}/bewijs",
                               data={"file": (io.BytesIO(PDF), "extra.pdf")}, content_type="multipart/form-data"))
    db.session.expire_all()
    from portal.label.models import EvidenceFile

    extra = db.session.scalars(select(EvidenceFile).where(EvidenceFile.filename == "extra.pdf")).first()
    ok(client.post(f"/label/bewijs/{extra.id}/verwijderen", data={}))
    ok(client.post(f"/label/zelfscan/{item.id}/plan", data={"description": "Buddy op de werkvloer", "due_on": ""}))
    db.session.expire_all()
    item = db.session.get(Assessment, item.id)
    ok(client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(item.version)}))

    # Review: take, comment, evidence state, ask for changes, answer, approve.
    ok(officer.post(f"/label/beoordeling/{item.id}/oppakken", data={}))
    a2 = item.criteria_set.themes[0].criteria[1]
    ok(officer.post(f"/label/beoordeling/{item.id}/vraag/{a2.id}/opmerking", data={"body": "Graag ondertekend."}))
    evidence = db.session.scalar(select(EvidenceFile))
    ok(officer.post(f"/label/beoordeling/bewijs/{evidence.id}/status", data={"state": "aanvullen"}))
    db.session.expire_all()
    item = db.session.get(Assessment, item.id)
    ok(officer.post(f"/label/beoordeling/{item.id}/besluit",
                    data={"version": str(item.version), "decision": "wijzigingen", "reason": "Zie de vraag."}))
    ok(client.post(f"/label/zelfscan/{item.id}/vraag/{a2.id}/reactie", data={"body": "Aangevuld."}))
    db.session.expire_all()
    item = db.session.get(Assessment, item.id)
    ok(client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(item.version)}))
    ok(officer.post(f"/label/beoordeling/{item.id}/oppakken", data={}))
    ok(officer.post(f"/label/beoordeling/{item.id}/plan", data={"description": "Jobcoach inzetten", "due_on": ""}))
    for e in db.session.scalars(select(EvidenceFile)).all():
        ok(officer.post(f"/label/beoordeling/bewijs/{e.id}/status", data={"state": "klaar"}))
    for c in [c for t in item.criteria_set.themes for c in t.criteria]:
        ok(officer.post(f"/label/beoordeling/{item.id}/vraag/{c.id}/oordeel", data={"verdict": "voldoet"}))
    db.session.expire_all()
    item = db.session.get(Assessment, item.id)
    ok(officer.post(f"/label/beoordeling/{item.id}/besluit",
                    data={"version": str(item.version), "decision": "goedkeuren", "reason": ""}))
    from portal.label.models import ImprovementAction

    action = db.session.scalar(select(ImprovementAction))
    ok(client.post(f"/label/plan/{action.id}/gedaan", data={}))

    label = db.session.scalar(select(Label).where(Label.organisation_id == org.id))
    ok(officer.post(f"/label/labels/{label.id}", data={"action": "schorsen", "reason": "Onderzoek"}))
    ok(officer.post(f"/label/labels/{label.id}", data={"action": "intrekken", "reason": "Klacht gegrond"}))

    probe.check({"label.new_concept", "label.criteria_set", "label.add_theme", "label.edit_theme",
                 "label.add_criterion", "label.edit_criterion", "label.publish", "label.start", "label.theme",
                 "label.upload_evidence", "label.delete_evidence", "label.org_plan_action", "label.submit",
                 "label.take", "label.staff_comment", "label.evidence_state", "label.decide", "label.org_comment",
                 "label.staff_plan_action", "label.plan_action_done", "label.label_detail", "label.verdict"})


# --------------------------------------------------------------------------- inkoop
def test_inkoop_actions_are_audited(app, probe, make_user, make_org, mailbox):
    from portal.inkoop import evaluation
    from portal.inkoop.models import Bid, PanelMember, Procedure

    def score_form(procedure, bids, score):
        return {f"{field}-{bid.id}-{c.id}": value for bid in bids for c in evaluation.quality_criteria(procedure)
                for field, value in (("score", str(score)), ("motivation", "Heldere aanpak"))}

    buyer, chair, other = make_user("inkoop"), make_user("inkoop"), make_user("inkoop")
    bidders = [make_org(name=f"Inschrijver {n}", kvk=f"2400{n}000") for n in range(1, 4)]
    client = as_user(app, buyer)
    ok(client.post("/inkoop/procedures/nieuw", data={
        "kind": "aanbesteding", "title": "Inzameling bedrijfsafval 2026", "reference": "DOR-2026-001",
        "category": "Inzameling bedrijfsafval", "vulnerable_jobs": "y",
        "closing_date": (clock.today() + timedelta(days=30)).isoformat(), "preset": "aanbesteding_kwetsbaar",
        "price_method": "relatief", "score_mode": "consensus", "quality_scale": "0,2,4,6,8,10",
        "commitment_months": "24"}))
    procedure = db.session.scalar(select(Procedure))
    base = f"/inkoop/procedures/{procedure.id}"
    ok(client.post(f"{base}/bewerken", data={
        "kind": "aanbesteding", "title": "Inzameling bedrijfsafval 2026-2028", "reference": "DOR-2026-001",
        "category": "Inzameling bedrijfsafval", "vulnerable_jobs": "y",
        "closing_date": (clock.today() + timedelta(days=30)).isoformat(), "price_method": "relatief",
        "score_mode": "consensus", "quality_scale": "0,2,4,6,8,10", "commitment_months": "24"}))
    ok(client.post(f"{base}/criteria", data={"kind": "quality", "name": "Extra", "weight": "0"}), 302, 200, 400)
    db.session.expire_all()
    procedure = db.session.get(Procedure, procedure.id)
    extra = next((c for c in procedure.criteria if c.name == "Extra"), None)
    if extra is not None:
        ok(client.post(f"{base}/criteria/{extra.id}/verwijderen", data={"confirm": "ja"}))
    first = procedure.criteria[0]
    first_id, original = first.id, first.weight
    ok(client.post(f"{base}/criteria/{first_id}/gewicht", data={"weight": str(original + 1)}))
    ok(client.post(f"{base}/criteria/{first_id}/gewicht", data={"weight": str(original)}))
    for user, is_chair in ((chair, "y"), (other, "")):
        ok(client.post(f"{base}/panel", data={"user_id": user.id, "is_chair": is_chair}))
    spare = make_user("inkoop")
    ok(client.post(f"{base}/panel", data={"user_id": spare.id, "is_chair": ""}))
    member = db.session.scalar(select(PanelMember).where(PanelMember.user_id == spare.id))
    ok(client.post(f"{base}/panel/{member.id}/verwijderen", data={}))
    ok(client.post(f"{base}/status", data={"action": "open"}))
    for org, price in zip(bidders, ("125000", "118000", "130000"), strict=True):
        ok(client.post(f"{base}/inschrijvingen/nieuw", data={"kvk": org.kvk, "price": price, "impact_jobs": "3"}))
    bids = db.session.scalars(select(Bid).order_by(Bid.id)).all()
    ok(client.post(f"{base}/inschrijvingen/{bids[2].id}/verwijderen", data={"confirm": "ja"}))
    ok(client.post(f"{base}/inschrijvingen/nieuw", data={"kvk": bidders[2].kvk, "price": "130000",
                                                         "impact_jobs": "1"}))
    procedure = db.session.get(Procedure, procedure.id)
    procedure.closing_date = clock.today() - timedelta(days=1)
    db.session.commit()
    ok(client.post(f"{base}/status", data={"action": "close"}))
    last = db.session.scalars(select(Bid).order_by(Bid.id.desc())).first()
    ok(client.post(f"{base}/inschrijvingen/{last.id}/toelating", data={"admitted": "0", "reason": "Geen bewijs."}))
    procedure = db.session.get(Procedure, procedure.id)
    admitted = evaluation.scored_bids(procedure)
    for user in (chair, other):
        panel = as_user(app, user)
        ok(panel.post(f"{base}/beoordelen", data={**score_form(procedure, admitted, 8), "action": "save"}))
        ok(panel.post(f"{base}/beoordelen", data={**score_form(procedure, admitted, 8), "action": "submit"}))
    chairing = as_user(app, chair)
    for bid in admitted:
        for quality in evaluation.quality_criteria(procedure):
            ok(chairing.post(f"{base}/consensus", data={"bid_id": bid.id, "criterion_id": quality.id,
                                                        "score": "8", "motivation": "Eens na overleg"}))
    lots = {f"lot-{bid.id}": str(n) for n, bid in enumerate(admitted, start=1)}
    ok(client.post(f"{base}/loting", data=lots), 302, 200, 400)
    ok(client.post(f"{base}/gunnen", data={"confirm": "ja"}))
    awarded = db.session.get(Procedure, procedure.id)
    assert awarded.status == "gegund", awarded.status
    winner = db.session.get(Bid, awarded.awarded_bid_id).organisation
    from portal.inkoop.models import Commitment

    commitment = db.session.scalar(select(Commitment))
    officer = as_user(app, make_user("gemeente"))
    ok(officer.post(f"/inkoop/toezeggingen/{winner.id}", data={
        "held_on": clock.today().isoformat(), "procedure_id": str(procedure.id), "note": "Drie gestart.",
        f"reported-{commitment.id}": "3"}))

    # A second procedure, withdrawn.
    ok(client.post("/inkoop/procedures/nieuw", data={
        "kind": "aanbesteding", "title": "Schoonmaak", "reference": "DOR-2026-002", "category": "Schoonmaak",
        "closing_date": (clock.today() + timedelta(days=30)).isoformat(), "preset": "",
        "price_method": "relatief", "score_mode": "consensus", "quality_scale": "0,2,4,6,8,10",
        "commitment_months": "12"}))
    second = db.session.scalars(select(Procedure).order_by(Procedure.id.desc())).first()
    ok(client.post(f"/inkoop/procedures/{second.id}/intrekken", data={"reason": "Budget vervallen"}))

    probe.check({"inkoop.new_procedure", "inkoop.edit_procedure", "inkoop.add_panel_member",
                 "inkoop.remove_panel_member", "inkoop.change_status", "inkoop.new_bid", "inkoop.remove_bid",
                 "inkoop.decide_admission", "inkoop.evaluate", "inkoop.consensus",
                 "inkoop.organisation_commitments", "inkoop.withdraw", "inkoop.award", "inkoop.criterion_weight"})


# --------------------------------------------------------------------------- events
def test_events_actions_are_audited(app, probe, make_user, make_org, mailbox):
    from portal.events import services
    from portal.events.models import Event, ProgrammeSlot, Registration
    from portal.events.models import RegistrationQuestion as EventQuestion

    def local(dt):
        return services.to_local(dt).strftime("%Y-%m-%dT%H:%M")

    staff = make_user("mbo_staff")
    officer = as_user(app, staff)
    start = (services.utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)
    form = {"title": "Kick-off Wijk naar Werk", "kind": "kick-off", "description": "Welkom!",
            "start_at": local(start), "end_at": local(start + timedelta(hours=3)), "location": "Wielwijk",
            "capacity": "20", "audience": "public", "registration_opens_at": "", "registration_closes_at": "",
            "reminder_days": "2"}
    ok(officer.post("/evenementen/beheer/nieuw", data=form))
    event_ = db.session.scalar(select(Event))
    base = f"/evenementen/beheer/{event_.id}"
    ok(officer.post(f"{base}/bewerken", data={**form, "location": "Wijkcentrum Wielwijk"}))
    local_start = services.to_local(start)
    ok(officer.post(f"{base}/programma", data={"slot-starts": local_start.strftime("%H:%M"), "slot-ends": "",
                                               "slot-title": "Welkom", "slot-speaker": "", "slot-room": ""}))
    ok(officer.post(f"{base}/programma", data={"slot-starts": local_start.strftime("%H:%M"), "slot-ends": "",
                                               "slot-title": "Weg", "slot-speaker": "", "slot-room": ""}))
    slot = db.session.scalars(select(ProgrammeSlot).where(ProgrammeSlot.title == "Weg")).first()
    ok(officer.post(f"{base}/programma/{slot.id}/verwijderen", data={}))
    ok(officer.post(f"{base}/vragen", data={"question-label": "Dieetwensen", "question-kind": "text",
                                            "question-choices": ""}))
    ok(officer.post(f"{base}/vragen", data={"question-label": "Weg", "question-kind": "text",
                                            "question-choices": ""}))
    question = db.session.scalars(select(EventQuestion).where(EventQuestion.label == "Weg")).first()
    ok(officer.post(f"{base}/vragen/{question.id}/verwijderen", data={}))
    ok(officer.post(f"{base}/publiceren", data={}))
    ok(officer.post("/evenementen/beheer/nieuw", data={**form, "title": "Besloten", "audience": "invitation"}))
    closed = db.session.scalar(select(Event).where(Event.title == "Besloten"))
    ok(officer.post(f"/evenementen/beheer/{closed.id}/publiceren", data={}))
    ok(officer.post(f"/evenementen/beheer/{closed.id}/uitnodigen", data={"invite-emails": "gast@example.nl"}))

    member = make_user()
    make_org(members=[member])
    attendee = as_user(app, member)
    dieet = db.session.scalar(select(EventQuestion))
    ok(attendee.post(f"/evenementen/{event_.id}/aanmelden", data={f"q_{dieet.id}": "geen"}))
    visitor = app.test_client()
    ok(visitor.post(f"/evenementen/{event_.id}/inschrijven", data={
        "name": "Gast Bezoeker", "email": "bezoeker@example.nl", "organisation_name": "", f"q_{dieet.id}": "",
        "privacy": "y"}), 302, 200)
    from tests.conftest import Mailbox

    public = db.session.scalar(select(Registration).where(Registration.email == "bezoeker@example.nl"))
    if public is not None and public.status != "confirmed":
        link = Mailbox.link(mailbox.last_to("bezoeker@example.nl"), "/bevestigen")
        ok(visitor.post(link[link.index("/evenementen/"):], data={}), 302, 200)
    registration = db.session.scalar(select(Registration).where(Registration.user_id == member.id))
    ok(officer.post(f"{base}/inchecken/{registration.id}", data={}))
    ok(officer.post(f"{base}/inchecken/{registration.id}/ongedaan", data={}))
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    ok(attendee.post(f"/evenementen/inschrijving/{registration.token}/afmelden", data={}), 302, 200)
    ok(officer.post(f"{base}/annuleren", data={"reason": "Te weinig sprekers."}))

    probe.check({"events.create", "events.edit", "events.add_slot", "events.remove_slot", "events.add_question",
                 "events.remove_question", "events.publish", "events.invite", "events.register",
                 "events.register_public", "events.check_in", "events.undo_check_in", "events.cancel",
                 "events.cancel_event"})


# --------------------------------------------------------------------------- dashboard, admin, accounts
def test_dashboard_admin_and_account_actions_are_audited(app, probe, make_user, mailbox):
    from portal.auth.models import User
    from portal.partners.reference import ensure_municipalities

    dordrecht = ensure_municipalities()["Dordrecht"]
    db.session.commit()
    staff = make_user("mbo_staff")
    officer = as_user(app, staff)
    data = {"gemeente": dordrecht.id, "jaar": clock.today().year, "partners": 155, "labels": 110,
            "working_on_label": ""}
    ok(officer.post("/dashboard/doelen", data=data))
    ok(officer.post("/dashboard/doelen", data={**data, "partners": 160}))

    admin = as_user(app, make_user("admin"))
    ok(admin.post("/beheer/accounts/nieuw", data={"name": "Nieuwe Collega", "email": "collega@stmbo.nl",
                                                   "roles": ["mbo_staff"]}))
    colleague = db.session.scalar(select(User).where(User.email == "collega@stmbo.nl"))
    ok(admin.post(f"/beheer/accounts/{colleague.id}", data={"roles": ["mbo_staff", "gemeente"], "active": "y",
                                                             "name": "Nieuwe Collega"}))

    visitor = app.test_client()
    ok(visitor.post("/account/registreren", data={"name": "Nieuwe Ondernemer", "email": "nieuw@bedrijf.nl",
                                                  "password": PASSWORD, "password2": PASSWORD,
                                                  "accept_terms": "y"}), 302, 200)
    user = make_user()
    account = as_user(app, user)
    new_password = "Blauwe-vogel-zingt-2027"
    ok(account.post("/account/wachtwoord", data={"pw-current": PASSWORD, "pw-password": new_password,
                                                  "pw-password2": new_password}), 302, 200)
    ok(account.post("/account/e-mailadres", data={"em-email": "ander@bedrijf.nl", "em-password": new_password}),
       302, 200)
    ok(visitor.post("/account/wachtwoord-vergeten", data={"email": user.email}), 302, 200)

    probe.check({"dashboard.targets", "admin.create_user", "admin.edit_user"})


def test_editing_a_criterion_without_the_options_field_is_refused_not_a_500(app, make_user):
    """Found while writing the label scenario: the form falls back to the criterion's option objects."""
    from portal.label.models import CriteriaSet
    from tests.label.conftest import build_set

    staff = make_user("mbo_staff")
    concept = build_set(staff, publish=False)
    criterion = db.session.get(CriteriaSet, concept.id).themes[0].criteria[0]
    officer = as_user(app, staff)
    response = officer.post(f"/label/criteria/vraag/{criterion.id}", data={"question": "Alleen de vraag"})
    assert response.status_code == 400
