"""Property-based bad files for the imports of existing labels and path steps, as for the partner import: never a
500, a Dutch message for every refusal, nothing written before the confirmation, and the confirmation is all or
nothing (a refused or discarded one leaves labels, their history and the path steps exactly as they were)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portal.extensions import db
from portal.label.models import Label, LabelStatusChange
from portal.partners.demo import MERWEDE_KVK
from portal.partners.models import ImportBatch, PathStep
from tests.hardening.fuzzkit import HUGE, World, changed, fuzz_settings, shows_error
from tests.hardening.test_imports_fuzz import NASTY_CELLS, post_file, to_csv, to_xlsx

EXAMPLES = 25
KVKS = [MERWEDE_KVK, "99999999", "1234", "", "24312345.0", " 2431 2345 "]
DATES = ["2024-03-01", "01-03-2024", "2024/03/01", "31-02-2024", "2999-01-01", "1899-12-31", "", "gisteren"]
LABEL_HEADERS = ["kvk", "certificaatnummer", "toegekend_op", "geldig_tot", "status", "geschorst_op",
                 "ingetrokken_op", "reden", "onbekend", "", "KvK-nummer"]
PATH_HEADERS = ["kvk", "stap", "datum", "notitie", "onbekend", "", "KvK-nummer"]


@pytest.fixture(scope="module")
def world(database_url, smtp_server):
    world = World(database_url, smtp_server.port)
    yield world
    world.close()


def state():
    db.session.rollback()
    labels = db.session.execute(select(Label.id, Label.organisation_id, Label.certificate_number, Label.valid_from,
                                       Label.valid_until, Label.status).order_by(Label.id)).all()
    history = db.session.execute(select(LabelStatusChange.label_id, LabelStatusChange.status,
                                        LabelStatusChange.effective_on).order_by(LabelStatusChange.id)).all()
    steps = db.session.execute(select(PathStep.organisation_id, PathStep.step, PathStep.held_on, PathStep.note)
                               .order_by(PathStep.id)).all()
    return labels, history, steps


@st.composite
def value(draw, column):
    plausible = {
        "kvk": st.sampled_from(KVKS), "KvK-nummer": st.sampled_from(KVKS),
        "certificaatnummer": st.sampled_from(["", "MBO-1", "OMI-2024-00001", "a b", "X" * 40, "MBO-1"]),
        "toegekend_op": st.sampled_from(DATES), "geldig_tot": st.sampled_from(DATES),
        "geschorst_op": st.sampled_from(DATES), "ingetrokken_op": st.sampled_from(DATES),
        "datum": st.sampled_from(DATES),
        "status": st.sampled_from(["geldig", "geschorst", "ingetrokken", "verlopen", "x", ""]),
        "stap": st.sampled_from(["intake", "Inspiratiesessie", "zelfscan", "koffie", ""]),
        "notitie": st.sampled_from(["", HUGE, "ok"]), "reden": st.sampled_from(["", HUGE, "ok"]),
    }.get(column, st.text(max_size=20))
    return draw(st.one_of(plausible, plausible, plausible, st.sampled_from(NASTY_CELLS), st.text(max_size=30)))


@st.composite
def upload(draw, headers):
    chosen = draw(st.one_of(st.just(headers[:4]), st.permutations(headers[:4]),
                            st.lists(st.sampled_from(headers), min_size=0, max_size=8)))
    rows = draw(st.lists(st.tuples(*[value(h) for h in chosen]) if chosen else st.just(()), max_size=6))
    rows = [list(r) for r in rows]
    kind = draw(st.sampled_from(["csv", "xlsx", "bytes"]))
    if kind == "xlsx":
        return to_xlsx(chosen, rows), draw(st.sampled_from(["a.xlsx", "a.csv"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300)), draw(st.sampled_from(["a.csv", "a.xlsx", "a.xls"]))
    sep = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    return to_csv(chosen, rows, sep, encoding), "a.csv"


def run(world, url, file, confirm):
    client = world.clients["mbo_staff"]
    before, counts = state(), world.counts()
    response = post_file(client, url, *file)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        body = response.get_data(as_text=True)
        assert shows_error(body) and "Er is een probleem" in body
        assert changed(counts, world.counts()) == {}
        return
    assert state() == before  # the preview writes nothing but the batch
    batch_url = response.headers["Location"]
    assert client.get(batch_url).status_code == 200
    batch_id = int(batch_url.rsplit("/", 1)[1])
    fields = {"discard": "1"} if confirm == "discard" else {"confirm": "1"}
    response = client.post(batch_url, data=fields)
    if confirm == "twice":
        response = client.post(batch_url, data=fields)
    batch = db.session.get(ImportBatch, batch_id)
    if response.status_code == 302:
        assert confirm != "twice"
        if confirm == "discard":
            assert state() == before and batch.status == "discarded"
        else:
            assert batch.status == "imported"
            assert batch.created_count + batch.updated_count + batch.skipped_count <= len(batch.rows)
    else:
        assert response.status_code == 409, response.status_code
        assert shows_error(response.get_data(as_text=True))
        if confirm != "twice":
            assert state() == before and batch.status == "preview"


@fuzz_settings(EXAMPLES)
@given(file=upload(LABEL_HEADERS), confirm=st.sampled_from(["confirm", "confirm", "discard", "twice"]))
def test_label_import_is_all_or_nothing(world, file, confirm):
    run(world, "/partners/import/labels", file, confirm)


@fuzz_settings(EXAMPLES)
@given(file=upload(PATH_HEADERS), confirm=st.sampled_from(["confirm", "confirm", "discard", "twice"]))
def test_path_import_is_all_or_nothing(world, file, confirm):
    run(world, "/partners/import/trajectstappen", file, confirm)


def test_a_label_batch_never_goes_through_the_path_or_partner_pages(world):
    client = world.clients["mbo_staff"]
    data = to_csv(["kvk", "toegekend_op"], [[MERWEDE_KVK, "2024-03-01"]], ";", "utf-8")
    url = post_file(client, "/partners/import/labels", data, "a.csv").headers["Location"]
    batch_id = url.rsplit("/", 1)[1]
    before = state()
    for other in (f"/partners/import/trajectstappen/{batch_id}", f"/partners/import/{batch_id}"):
        assert client.post(other, data={"confirm": "1"}).status_code == 404
    assert state() == before
