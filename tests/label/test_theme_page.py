"""The theme page is one form (issue 15): an upload or a message saves the answers typed with it, a bad file keeps
them on the page, the last theme leads to the overview, and submitting asks for confirmation first."""
import io

from sqlalchemy import select

from portal.extensions import db
from portal.label import assessments, review
from portal.label.models import Assessment, EvidenceFile
from tests.conftest import login
from tests.label.conftest import FULL, PDF, answer_all

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def _start(member_org):
    org, member = member_org
    item = assessments.load(assessments.start_assessment(org, member).id)
    db.session.commit()
    return item


def _post_theme(client, item, theme, data, files=None):
    payload = {"version": str(db.session.get(Assessment, item.id).version), **data}
    for key, (name, content) in (files or {}).items():
        payload[key] = (io.BytesIO(content), name)
    return client.post(f"/label/zelfscan/{item.id}/thema/{theme.id}", data=payload,
                       content_type="multipart/form-data")


def test_upload_saves_the_answers_typed_with_it(client, member_org):
    item = _start(member_org)
    login(client, member_org[1].email)
    theme = item.criteria_set.themes[0]
    a1, a2 = theme.criteria
    response = _post_theme(client, item, theme, {
        f"option-{a1.id}": str(a1.options[2].id), f"explanation-{a1.id}": "Wij werven op motivatie.",
        f"option-{a2.id}": str(a2.options[1].id), f"comment-{a2.id}": "Het beleid is nog in concept.",
        "next": f"vraag-{a2.id}"}, files={f"file-{a2.id}": ("beleid.pdf", PDF)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/thema/{theme.id}#vraag-{a2.id}")
    loaded = assessments.load(item.id)
    answers = assessments.answers_by_criterion(loaded)
    assert answers[a1.id].option_id == a1.options[2].id
    assert answers[a1.id].explanation == "Wij werven op motivatie."
    assert [e.filename for e in answers[a2.id].evidence] == ["beleid.pdf"]
    assert [c.body for c in loaded.comments] == ["Het beleid is nog in concept."]

    # Removing is part of the same form: ticked files go on the next save, answers stay.
    evidence_id = answers[a2.id].evidence[0].id
    response = _post_theme(client, item, theme, {f"option-{a1.id}": str(a1.options[2].id),
                                                 f"explanation-{a1.id}": "Wij werven op motivatie.",
                                                 "remove": str(evidence_id), "next": "0"})
    assert response.status_code == 302
    assert db.session.get(EvidenceFile, evidence_id) is None
    assert assessments.answers_by_criterion(assessments.load(item.id))[a1.id].explanation == "Wij werven op motivatie."


def test_a_refused_file_keeps_what_was_typed_on_the_page(client, member_org):
    item = _start(member_org)
    login(client, member_org[1].email)
    theme = item.criteria_set.themes[0]
    a1, a2 = theme.criteria
    response = _post_theme(client, item, theme, {
        f"option-{a1.id}": str(a1.options[1].id), f"explanation-{a1.id}": "Nog niet opgeslagen tekst.",
        f"comment-{a2.id}": "Een bericht in wording.", "next": f"vraag-{a2.id}"},
        files={f"file-{a2.id}": ("virus.pdf", EXE)})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Nog niet opgeslagen tekst." in text and "Een bericht in wording." in text
    assert f'id="optie-{a1.options[1].id}" name="option-{a1.id}" value="{a1.options[1].id}" checked' in text
    assert f'<a href="#file-{a2.id}">Bewijsstuk bij vraag 2:' in text  # the summary links to the file field
    assert f'id="file-{a2.id}-error"' in text
    # Nothing was saved (one action, rolled back as a whole).
    assert assessments.answers_by_criterion(assessments.load(item.id)) == {}
    assert db.session.scalars(select(EvidenceFile)).all() == []


def test_the_last_theme_leads_to_the_overview_with_submit(client, member_org):
    item = _start(member_org)
    login(client, member_org[1].email)
    first, last = item.criteria_set.themes
    page = client.get(f"/label/zelfscan/{item.id}/thema/{last.id}").get_data(as_text=True)
    assert "Opslaan en naar indienen" in page and "Opslaan en volgend thema" not in page
    response = _post_theme(client, item, first, {"next": "1"})
    assert response.headers["Location"].endswith(f"/thema/{last.id}")
    response = _post_theme(client, item, last, {"next": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/label/zelfscan/{item.id}#submit-title")


def test_submit_asks_for_confirmation_on_a_page(client, member_org, mailbox):
    org, member = member_org
    item = answer_all(_start(member_org), member, FULL)
    login(client, member.email)
    overview = client.get(f"/label/zelfscan/{item.id}").get_data(as_text=True)
    assert f'href="/label/zelfscan/{item.id}/indienen"' in overview  # a link, not a one-click POST
    page = client.get(f"/label/zelfscan/{item.id}/indienen")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Zelfscan indienen?" in text and "St. MBO krijgt bericht" in text
    assert db.session.get(Assessment, item.id).status == "concept"  # looking does nothing
    response = client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(item.version)})
    assert response.status_code == 302
    assert db.session.get(Assessment, item.id).status == "ingediend"
    # Afterwards the confirmation page is no longer offered.
    assert client.get(f"/label/zelfscan/{item.id}/indienen").status_code == 302


def test_overview_shows_what_st_mbo_asks_to_supplement(client, submitted, staff, member_org):
    org, member = member_org
    a1, a2 = submitted.criteria_set.themes[0].criteria
    review.start_review(submitted, staff)
    assessments.add_comment(submitted, a1.id, "Hoe meet u dat?", staff, from_staff=True)
    evidence = assessments.answers_by_criterion(submitted)[a2.id].evidence[0]
    review.set_evidence_state(evidence, "aanvullen", staff)
    review.request_changes(submitted, staff, "Zie de vragen.")
    db.session.commit()
    item = db.session.get(Assessment, submitted.id)
    login(client, member.email)
    text = client.get(f"/label/zelfscan/{item.id}").get_data(as_text=True)
    assert "Wat St. MBO van u vraagt" in text
    assert "Vraag 1.1" in text and "Hoe meet u dat?" in text
    assert "Vraag 1.2" in text and "Bewijsstuk beleid.pdf: moet aangevuld worden" in text
    assert "Vraag 2.1" not in text
