"""Import of existing labels and path steps: every row's problems first, nothing before confirmation, a second run
updates, every change audited with the file as source; imported labels are real labels everywhere."""
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.label import awards
from portal.label.models import Label, LabelReminder, LabelStatusChange
from portal.partners import programme_import
from portal.partners.models import ImportBatch, PathStep
from tests.conftest import login


def post(client, url, text, filename="bestand.csv"):
    return client.post(url, data={"file": (io.BytesIO(text.encode("utf-8")), filename)},
                       content_type="multipart/form-data")


@pytest.fixture
def staff_client(client, login_as):
    login_as("mbo_staff")
    return client


@pytest.fixture
def orgs(make_org):
    return {n: make_org(name=f"Importbedrijf {n}", kvk=f"4100000{n}") for n in range(1, 6)}


LABELS = (
    "kvk;certificaatnummer;toegekend_op;geldig_tot;status;geschorst_op;ingetrokken_op;reden\n"
    "41000001;MBO-001;2024-03-01;;;;;\n"                         # expired by now: history gets verlopen
    "41000002;;15-06-2025;;;;;\n"                                 # no number: the portal gives one
    "41000003;MBO-003;2024-05-01;2026-04-30;geschorst;2025-01-10;;Klacht\n"
    "41000004;MBO-004;2024-05-01;;ingetrokken;;2025-02-01;Bedrijf gestopt\n"
    "99999999;MBO-009;2024-05-01;;;;;\n"                           # unknown organisation
    "41000005;OMI-2024-00077;2024-05-01;;;;;\n"                    # the portal's own number form
    "41000005;MBO-010;2099-01-01;;;;;\n"                           # in the future
    "41000005;MBO-011;2024-05-01;;geschorst;;;\n"                  # suspended without a date
    "41000005;MBO-012;2024-05-01;;;;;\n"                           # the same number twice in the file
    "41000005;MBO-012;2024-06-01;;;;;\n"
)


def confirm(client, url, text, filename):
    preview = post(client, url, text, filename).headers["Location"]
    response = client.post(preview, data={"confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(ImportBatch, int(preview.rsplit("/", 1)[1]))


def test_label_preview_shows_every_problem_and_writes_nothing(staff_client, orgs):
    response = post(staff_client, "/partners/import/labels", LABELS, "labels.csv")
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    for problem in ("geen organisatie met KvK-nummer 99999999", "heeft de vorm die het portaal zelf uitgeeft",
                    "ligt in de toekomst", "status geschorst zonder datum",
                    "certificaatnummer staat meer dan eens in het bestand (regels 10, 11)",
                    "klopt niet met de data"):
        assert problem in page, problem
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0
    assert "4 rijen importeren" in page
    # The partner import's pages do not take a label batch.
    batch_id = response.headers["Location"].rsplit("/", 1)[1]
    assert staff_client.get(f"/partners/import/{batch_id}").status_code == 404
    assert staff_client.post(f"/partners/import/{batch_id}", data={"confirm": "1"}).status_code == 404


def test_imported_labels_have_their_history_and_a_second_run_updates(staff_client, orgs):
    confirm(staff_client, "/partners/import/labels", LABELS, "labels.csv")
    by_kvk = {lab.organisation.kvk: lab for lab in db.session.scalars(select(Label))}
    assert set(by_kvk) == {"41000001", "41000002", "41000003", "41000004"}
    history = {k: [(c.status, c.effective_on) for c in lab.history] for k, lab in by_kvk.items()}
    assert history["41000001"] == [("geldig", date(2024, 3, 1)), ("verlopen", date(2026, 3, 1))]
    assert by_kvk["41000001"].valid_until == date(2026, 2, 28) and by_kvk["41000001"].status == "verlopen"
    assert history["41000003"] == [("geldig", date(2024, 5, 1)), ("geschorst", date(2025, 1, 10)),
                                   ("verlopen", date(2026, 5, 1))]
    assert history["41000004"][-1] == ("ingetrokken", date(2025, 2, 1))
    assert by_kvk["41000002"].certificate_number.startswith("OMI-2025-")
    assert by_kvk["41000002"].status == "geldig" and by_kvk["41000002"].assessment_id is None
    imported = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "label.imported")).all()
    assert len(imported) == 4 and all("import labels.csv" in e.summary for e in imported)

    # The second run: the same labels, one with a later end date. Updated in place, nothing doubled.
    again = LABELS.replace("41000001;MBO-001;2024-03-01;;", "41000001;MBO-001;2024-03-01;2026-12-31;")
    batch = confirm(staff_client, "/partners/import/labels", again, "labels-2.csv")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert db.session.scalar(select(func.count()).select_from(Label)) == 4
    label = db.session.scalar(select(Label).where(Label.certificate_number == "MBO-001"))
    assert label.status == "geldig" and label.valid_until == date(2026, 12, 31)
    assert [(c.status, c.effective_on) for c in label.history] == [("geldig", date(2024, 3, 1))]
    assert db.session.scalar(select(func.count()).select_from(LabelStatusChange)) == 1 + 1 + 3 + 2
    updated = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "label.import_updated"))
    assert "import labels-2.csv" in updated.summary and updated.changes["valid_until"][1] == "2026-12-31"


def test_imported_labels_show_on_verification_register_api_and_label_check(staff_client, orgs, app, make_user):
    confirm(staff_client, "/partners/import/labels", LABELS, "labels.csv")
    number = db.session.scalar(select(Label.certificate_number).where(Label.organisation_id == orgs[2].id))
    public = app.test_client()
    page = public.get(f"/label/verificatie/{number}")
    assert page.status_code == 200 and "Importbedrijf 2" in page.get_data(as_text=True)
    assert "Importbedrijf 2" in public.get("/label/register?q=Importbedrijf").get_data(as_text=True)
    now = public.get("/api/v1/labels/41000002").get_json()
    assert now["label_status"] == "geldig" and number in str(now)
    assert public.get("/api/v1/labels/41000001?date=2024-06-01").get_json()["label_status"] == "geldig"
    assert public.get("/api/v1/labels/41000003?date=2025-02-01").get_json()["label_status"] == "geschorst"
    assert public.get("/api/v1/labels/41000004?date=2025-03-01").get_json()["label_status"] == "ingetrokken"
    buyer = app.test_client()
    login(buyer, make_user("inkoop").email)
    check = buyer.get(f"/inkoop/labelcheck/{orgs[1].id}?op=2024-06-01").get_data(as_text=True)
    assert "MBO-001" in check


def test_renewal_reminders_apply_to_an_imported_label(app, make_user, make_org, mailbox):
    org = make_org(name="Bijna Verlopen BV", kvk="41000009", members=[make_user("ondernemer")])
    staff = make_user("mbo_staff")
    start = clock.today() - timedelta(days=700)
    csv = (f"kvk;toegekend_op;geldig_tot\n41000009;{start.isoformat()};"
           f"{(clock.today() + timedelta(days=20)).isoformat()}\n")
    batch = programme_import.upload("labels", "labels.csv", csv.encode(), staff)
    programme_import.commit(batch, staff)
    db.session.commit()
    assert awards.send_reminders() == 1
    db.session.commit()
    label = db.session.scalar(select(Label).where(Label.organisation_id == org.id))
    assert db.session.scalar(select(LabelReminder.moment).where(LabelReminder.label_id == label.id)) == "30"


PATH = (
    "kvk;stap;datum;notitie\n"
    "41000001;intake;2024-02-01;Eerste inventarisatie\n"
    "41000001;Inspiratiesessie;01-03-2024;\n"
    "41000002;zelfscan;2024-03-01;\n"
    "41000002;lunch;2024-03-01;\n"
    "41000003;intake;2099-03-01;\n"
    "99999999;intake;2024-03-01;\n"
)


def test_path_import_previews_records_and_updates_on_a_second_run(staff_client, orgs):
    response = post(staff_client, "/partners/import/trajectstappen", PATH, "stappen.csv")
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    for problem in ("volgt uit het partnerschap en de zelfscan", "stap ‘lunch’ is onbekend", "ligt in de toekomst",
                    "geen organisatie met KvK-nummer 99999999"):
        assert problem in page, problem
    assert db.session.scalar(select(func.count()).select_from(PathStep)) == 0
    batch = confirm(staff_client, "/partners/import/trajectstappen", PATH, "stappen.csv")
    assert batch.created_count == 2
    steps = {s.step: s for s in db.session.scalars(select(PathStep))}
    assert steps["intake"].held_on == date(2024, 2, 1) and steps["intake"].note == "Eerste inventarisatie"
    batch = confirm(staff_client, "/partners/import/trajectstappen", PATH.replace("2024-02-01", "2024-02-05"),
                    "stappen-2.csv")
    assert db.session.scalar(select(func.count()).select_from(PathStep)) == 2
    assert db.session.scalar(select(PathStep.held_on).where(PathStep.step == "intake")) == date(2024, 2, 5)
    changed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.path_step_changed"))
    assert "import stappen-2.csv" in changed.summary and changed.organisation_id == orgs[1].id


def test_command_line_checks_and_imports_with_yes(runner, orgs, make_user, tmp_path):
    staff = make_user("mbo_staff")
    file = tmp_path / "labels.csv"
    file.write_text(LABELS, encoding="utf-8")
    result = runner.invoke(args=["partners", "import-labels", str(file), "--by", staff.email])
    assert result.exit_code == 0 and "regel 6: geen organisatie" in result.output
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0
    result = runner.invoke(args=["partners", "import-labels", str(file), "--by", staff.email, "--yes"])
    assert result.exit_code == 0 and "4 nieuw" in result.output
    file = tmp_path / "stappen.csv"
    file.write_text(PATH, encoding="utf-8")
    result = runner.invoke(args=["partners", "import-path", str(file), "--by", staff.email, "--yes"])
    assert result.exit_code == 0 and "2 nieuw" in result.output


def test_samples_are_served_and_import_cleanly(staff_client, make_org):
    make_org(name="Voorbeeld", kvk="12345678")
    make_org(name="Voorbeeld 2", kvk="87654321")
    for slug in ("labels", "trajectstappen"):
        sample = staff_client.get(f"/partners/import/{slug}/voorbeeld.csv")
        assert sample.status_code == 200 and sample.mimetype == "text/csv"
        batch = confirm(staff_client, f"/partners/import/{slug}", sample.data.decode("utf-8-sig"), "voorbeeld.csv")
        assert batch.created_count == 2 and batch.skipped_count == 0
