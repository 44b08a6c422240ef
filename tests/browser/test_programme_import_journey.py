"""Bringing in the running programme in a real browser (issue 13): a St. MBO staff member imports the existing
labels and path steps, sees every row's problems first, confirms, and checks the result on the partner page,
the path list and the public verification page. Every page on the way is checked with axe-core."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    assert_sound_page,
    log_in_at,
    make_partner_org,
    make_verified_user,
    unique_email,
)


def test_staff_import_labels_and_path_steps_and_check_the_result(make_page, live_server):
    staff = unique_email("staf")
    make_verified_user(live_server, staff, name="Sanne Staf", roles=("mbo_staff",))
    holder_id, holder_kvk = make_partner_org(live_server, "Labelhouder Wielwijk")
    working_id, working_kvk = make_partner_org(live_server, "Op Weg Crabbehof")
    number = f"MBO-{holder_kvk}"
    labels = (f"kvk;certificaatnummer;toegekend_op;geldig_tot;status\n"
              f"{holder_kvk};{number};2024-03-01;2099-02-28;geldig\n"
              f"99999999;MBO-ONBEKEND;2024-03-01;;\n").encode()
    steps = (f"kvk;stap;datum;notitie\n{working_kvk};intake;2024-04-02;Eerste inventarisatie\n"
             f"{working_kvk};inspiratiesessie;2024-09-12;\n").encode()
    page = make_page()
    log_in_at(page, staff)

    # --- labels: the preview shows the unknown organisation; only the good row is imported
    page.goto("/partners/import")
    page.get_by_role("link", name="bestaande labels importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestaande labels importeren")
    assert_sound_page(page, "label import upload")
    page.get_by_label("Bestand (CSV of XLSX)").set_input_files(
        {"name": "labelregister.csv", "mimeType": "text/csv", "buffer": labels})
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import controleren: labelregister.csv")
    expect(page.get_by_text("geen organisatie met KvK-nummer 99999999")).to_be_visible()
    assert_sound_page(page, "label import preview")
    page.get_by_role("button", name="1 rij importeren").click()
    expect(page.get_by_text("Import klaar: 1 nieuw, 0 bijgewerkt, 1 overgeslagen.")).to_be_visible()

    # --- path steps
    page.goto("/partners/import/trajectstappen")
    page.get_by_label("Bestand (CSV of XLSX)").set_input_files(
        {"name": "stappen.csv", "mimeType": "text/csv", "buffer": steps})
    page.get_by_role("button", name="Bestand controleren").click()
    page.get_by_role("button", name="2 rijen importeren").click()
    expect(page.get_by_text("Import klaar: 2 nieuw, 0 bijgewerkt, 0 overgeslagen.")).to_be_visible()

    # --- the result: the holder's page shows the certificate, the other one its step
    page.goto(f"/partners/{holder_id}")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.goto(f"/partners/{working_id}")
    panel = page.locator("#traject")
    expect(panel).to_contain_text("Nu: Inspiratiesessie gevolgd")
    expect(panel).to_contain_text("Eerste inventarisatie")
    assert_sound_page(page, "partner detail with the path")
    # Staff record the next step by hand on the same page.
    panel.get_by_label("Stap", exact=True).select_option(label="Intake")
    panel.get_by_label("Datum", exact=True).fill("2024-04-03")
    panel.get_by_role("button", name="Stap vastleggen").click()
    expect(page.get_by_text("Intake van Op Weg Crabbehof is vastgelegd.")).to_be_visible()

    page.goto("/partners/traject?fase=inspiratiesessie&datum=2024-09-30")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkt aan het label: waar staan zij?")
    expect(page.get_by_role("link", name="Op Weg Crabbehof")).to_be_visible()
    assert_sound_page(page, "path stages list")

    # --- a buyer's view: the public verification page of the imported label
    public = make_page()
    public.goto(f"/label/verificatie/{number}")
    expect(public.get_by_text("Labelhouder Wielwijk").first).to_be_visible()
    expect(public).to_have_url(re.compile(re.escape(number)))
