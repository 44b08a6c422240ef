"""The quarterly report: XLSX read back with pandas, small counts suppressed for other organisations, the CLI."""
import io

import pandas as pd

from portal.dashboard.reports import (
    COMPLEMENT,
    COUNT,
    SUPPRESSED,
    TEXT,
    Column,
    Subject,
    Table,
    build_quarterly_report,
    for_export,
    suppress,
    to_xlsx,
)


def _xlsx(client, dataset, version="extern"):
    response = client.get(f"/dashboard/kwartaalrapportage.xlsx?jaar=2024&kwartaal=2&gemeente={dataset.dordrecht.id}"
                          f"&versie={version}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response


def _sheets(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None)


def _value(frame, column, **where):
    rows = frame
    for key, wanted in where.items():
        rows = rows[rows[key] == wanted]
    assert len(rows) == 1, where
    return rows.iloc[0][column]


def test_suppress_counts_from_one_to_four():
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]
    assert suppress(None) is None and suppress("tekst") == "tekst"


def test_one_suppressed_cell_of_a_total_takes_the_next_smallest_with_it():
    columns = [Column("Categorie", TEXT), Column("Aantal", COUNT), Column("Ander", COUNT)]
    rows = [["a", 3, 2], ["b", 9, 1], ["c", 6, 20], ["d", 0, 7], ["Totaal", 18, 30]]
    partition = Table("t", "T", columns, [list(r) for r in rows], total_row=True, partition=True)
    overlapping = Table("o", "O", columns, [list(r) for r in rows], total_row=True)
    exported = for_export([Subject("s", "S", "S", [partition, overlapping])])[0].tables
    assert [r[1] for r in exported[0].rows] == [SUPPRESSED, 9, COMPLEMENT, 0, 18]
    assert [r[2] for r in exported[0].rows] == [SUPPRESSED, SUPPRESSED, 20, 7, 30]  # two hidden already
    assert [r[1] for r in exported[1].rows] == [SUPPRESSED, 9, 6, 0, 18]  # rows that do not add up: no need


def test_xlsx_has_one_sheet_per_subject_and_suppresses_small_counts(client, login_as, dataset,
                                                                    events_and_commitments):
    login_as("gemeente")
    response = _xlsx(client, dataset)
    assert 'filename="kwartaalrapportage-dordrecht-2024-k2.xlsx"' in response.headers["Content-Disposition"]
    sheets = _sheets(response.data)
    assert list(sheets) == ["Overzicht", "Doelen", "Trend", "Banen met impact", "Stageplekken", "Evenementen",
                            "Toezeggingen"]
    overview = sheets["Overzicht"]
    assert _value(overview, "Waarde", Onderwerp="Peildatum") == "30-06-2024"
    assert _value(overview, "Waarde", Onderwerp="Gemeente") == "Dordrecht"

    jobs = sheets["Banen met impact"]
    assert _value(jobs, "Banen", Indeling="Banen met impact per doelgroep", Categorie="Bijstand") == "<5"
    assert _value(jobs, "Banen", Indeling="Banen met impact per doelgroep", Categorie="Statushouder") == 0
    stage = sheets["Stageplekken"]
    by_level = {"Indeling": "Stageplekken per onderwijsniveau"}
    assert _value(stage, "Plaatsen vervuld", **by_level, Categorie="mbo niveau 2") == "<5"
    # mbo 2 (3 places) is suppressed; with the total of 9 shown, hbo's 6 would give it away, so it goes too.
    assert _value(stage, "Plaatsen aangeboden", **by_level, Categorie="mbo niveau 2") == "<5"
    assert _value(stage, "Plaatsen aangeboden", **by_level, Categorie="hbo") == "x"
    assert _value(stage, "Plaatsen aangeboden", **by_level, Categorie="Totaal") == 9
    targets = sheets["Doelen"]
    assert _value(targets, "Stand", Indeling=targets["Indeling"].iloc[0], Categorie="Partners") == "<5"
    assert "Percentage van het doel" not in targets.columns
    trend = sheets["Trend"]
    assert list(trend["Kwartaal"]) == ["2024 K1", "2024 K2"]
    assert set(trend["Partners"]) == {"<5"}
    events = sheets["Evenementen"]
    assert _value(events, "Evenementen", **{"Soort evenement": "HR-tafel"}) == 1  # events are not people
    assert _value(events, "Aanwezig", **{"Soort evenement": "HR-tafel"}) == "<5"
    commitments = sheets["Toezeggingen"]
    assert _value(commitments, "Beloofd", **{"Soort toezegging": "Banen met impact"}) == 3
    assert _value(commitments, "Gerealiseerd", **{"Soort toezegging": "Banen met impact"}) == "<5"
    # No count of people or organisations from 1 to 4 anywhere; targets and numbers of events or promises stay.
    not_people = {"Evenementen", "Toezeggingen", "Beloofd", "Gehaald", "Achter op schema"}
    assert "x is een groter aantal" in _value(overview, "Waarde", Onderwerp="Versie")
    for name, frame in sheets.items():
        for column in frame.columns:
            if column in not_people or column.startswith("Doel"):
                continue
            small = [v for v in frame[column] if isinstance(v, int | float) and 0 < v < 5]
            assert small == [], (name, column)


def test_internal_xlsx_shows_real_numbers(client, login_as, dataset):
    login_as("mbo_staff")
    response = _xlsx(client, dataset, version="intern")
    assert "-intern.xlsx" in response.headers["Content-Disposition"]
    sheets = _sheets(response.data)
    jobs = sheets["Banen met impact"]
    assert _value(jobs, "Banen", Indeling="Banen met impact per doelgroep", Categorie="Bijstand") == 2
    assert _value(jobs, "Waarvan duurzaam", Indeling="Banen met impact per doelgroep",
                  Categorie="Bijstand") == 1
    trend = sheets["Trend"]
    assert list(trend["Partners"]) == [4, 3] and list(trend["Heeft het label"]) == [2, 2]


def test_printable_report_suppresses_small_counts(client, login_as, dataset):
    login_as("gemeente")
    url = f"/dashboard/kwartaalrapportage?jaar=2024&kwartaal=2&gemeente={dataset.dordrecht.id}&versie=extern"
    html = client.get(url).get_data(as_text=True)
    assert "<h1>Kwartaalrapportage Ondernemen met impact Dordrecht 2024 K2</h1>" in html
    assert "&lt;5" in html
    assert "<svg" not in html  # a chart of suppressed numbers would give them away
    assert "kwartaalrapportage.xlsx?" in html
    internal = client.get(url.replace("extern", "intern")).get_data(as_text=True)
    assert "&lt;5" not in internal


def test_report_choice_without_or_with_bad_parameters(client, login_as, dataset):
    login_as("gemeente")
    assert client.get("/dashboard/kwartaalrapportage").status_code == 200
    response = client.get("/dashboard/kwartaalrapportage?jaar=abc&kwartaal=7&gemeente=99999")
    assert response.status_code == 400 and "Er is een probleem" in response.get_data(as_text=True)
    response = client.get("/dashboard/kwartaalrapportage.xlsx?kwartaal=9")
    assert response.status_code == 302 and "/dashboard/kwartaalrapportage?" in response.headers["Location"]
    # A link that does not say which version gets the one fit for sharing.
    response = client.get(f"/dashboard/kwartaalrapportage.xlsx?jaar=2024&kwartaal=2&gemeente={dataset.dordrecht.id}")
    assert response.status_code == 200 and "-intern" not in response.headers["Content-Disposition"]


def test_cli_writes_the_same_file_as_the_download(client, login_as, runner, dataset, tmp_path):
    login_as("mbo_staff")
    downloaded = _xlsx(client, dataset).data
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(args=["report", "quarterly", "--year", "2024", "--quarter", "2",
                                 "--municipality", "dordrecht", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == downloaded
    internal = tmp_path / "intern.xlsx"
    result = runner.invoke(args=["report", "quarterly", "--year", "2024", "--quarter", "2",
                                 "--municipality", "Dordrecht", "--out", str(internal), "--internal"])
    assert result.exit_code == 0, result.output
    assert internal.read_bytes() == _xlsx(client, dataset, version="intern").data


def test_cli_refuses_an_unknown_municipality(runner, dataset, tmp_path):
    result = runner.invoke(args=["report", "quarterly", "--year", "2024", "--quarter", "2",
                                 "--municipality", "Atlantis", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "Unknown municipality" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_same_report_gives_the_same_bytes(dataset):
    first = to_xlsx(build_quarterly_report(2024, 2, dataset.dordrecht))
    second = to_xlsx(build_quarterly_report(2024, 2, dataset.dordrecht))
    assert first == second
