"""Default criteria sets: a starting point per kind of procedure, edited freely while the procedure is a concept."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

D = Decimal

PRESETS = {
    "aanbesteding_kwetsbaar": {
        "label": _l("Aanbesteding in een categorie met kwetsbare banen (bijv. inzameling bedrijfsafval)"),
        "kind": "aanbesteding",
        "criteria": [
            ("price", "Prijs", D(40), {}),
            ("quality", "Plan van aanpak en uitvoering", D(20), {}),
            ("quality", "Kwaliteit van banen: contracten, uren, begeleiding en veiligheid", D(10), {}),
            ("commitment", "Banen met impact voor inwoners met afstand tot werk", D(15),
             {"commitment_kind": "impact_jobs", "formula": "doel", "target": D(4)}),
            ("commitment", "Stageplekken en leerwerkplekken", D(5),
             {"commitment_kind": "stageplekken", "formula": "relatief"}),
            ("label", "Label Ondernemen met impact op de sluitingsdatum", D(10), {"working_share": D("0.5")}),
        ],
    },
    "aanbesteding_standaard": {
        "label": _l("Aanbesteding, algemeen"),
        "kind": "aanbesteding",
        "criteria": [
            ("price", "Prijs", D(50), {}),
            ("quality", "Plan van aanpak", D(30), {}),
            ("commitment", "Banen met impact", D(10), {"commitment_kind": "impact_jobs", "formula": "relatief"}),
            ("label", "Label Ondernemen met impact op de sluitingsdatum", D(10), {"working_share": D("0.5")}),
        ],
    },
    "uitgifte_logistiek": {
        "label": _l("Gronduitgifte logistiek (Distripark fase 2, Dordtse Kil IV)"),
        "kind": "gronduitgifte",
        "criteria": [
            ("commitment", "Aantal banen op de kavel", D(20), {"commitment_kind": "jobs", "formula": "relatief"}),
            ("quality", "Soort banen: contractvorm en functieniveau", D(15), {}),
            ("commitment", "Banen met impact", D(20), {"commitment_kind": "impact_jobs", "formula": "doel",
                                                       "target": D(10)}),
            ("label", "Label Ondernemen met impact op de sluitingsdatum", D(15), {"working_share": D("0.5")}),
            ("quality", "Duurzaamheid van gebouw en bedrijfsvoering", D(15), {}),
            ("quality", "Keten- en clusterversterking (logistiek, maritiem)", D(15), {}),
        ],
    },
    "uitgifte_stedelijk": {
        "label": _l("Gronduitgifte gemengd stedelijk (Merwedehavens, Centrum)"),
        "kind": "gronduitgifte",
        "criteria": [
            ("commitment", "Banen voor inwoners van Dordrecht", D(20),
             {"commitment_kind": "jobs_residents", "formula": "relatief"}),
            ("commitment", "Banen met impact", D(15), {"commitment_kind": "impact_jobs", "formula": "relatief"}),
            ("commitment", "Stageplekken", D(10), {"commitment_kind": "stageplekken", "formula": "relatief"}),
            ("label", "Label Ondernemen met impact op de sluitingsdatum", D(15), {"working_share": D("0.5")}),
            ("quality", "Duurzaamheid en bijdrage aan de wijk", D(25), {}),
            ("quality", "Keten- en clusterversterking", D(15), {}),
        ],
    },
    "uitgifte_revitalisering": {
        "label": _l("Gronduitgifte revitalisering (Dordtse Kil 1 en 2)"),
        "kind": "gronduitgifte",
        "criteria": [
            ("commitment", "Aantal en soort banen", D(25), {"commitment_kind": "jobs", "formula": "relatief"}),
            ("commitment", "Banen met impact", D(20), {"commitment_kind": "impact_jobs", "formula": "relatief"}),
            ("label", "Label Ondernemen met impact op de sluitingsdatum", D(15), {"working_share": D("0.5")}),
            ("quality", "Duurzaamheid en verduurzaming van het bestaande pand", D(25), {}),
            ("quality", "Keten- en clusterversterking", D(15), {}),
        ],
    },
}

AREA_PRESET = {
    "Distripark fase 2": "uitgifte_logistiek",
    "Dordtse Kil IV": "uitgifte_logistiek",
    "Merwedehavens": "uitgifte_stedelijk",
    "Centrum": "uitgifte_stedelijk",
    "Dordtse Kil 1 en 2": "uitgifte_revitalisering",
}


def preset_choices(kind: str | None = None):
    return [(key, preset["label"]) for key, preset in PRESETS.items() if kind in (None, preset["kind"])]
