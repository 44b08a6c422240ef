"""Demo targets: the programme's targets from DOMAIN.md (Dordrecht 2024 and 2025)."""
from portal.dashboard.targets import set_target
from portal.partners.reference import ensure_municipalities

# (municipality, year, partners, labels, working on the label)
DEMO_TARGETS = (
    ("Dordrecht", 2024, 75, 50, 25),
    ("Dordrecht", 2025, 155, 110, None),
)


def seed(accounts):
    municipalities = ensure_municipalities()
    staff = accounts.get("mbo_staff")
    for name, year, partners, labels, working in DEMO_TARGETS:
        set_target(municipalities[name], year, partners=partners, labels=labels, working_on_label=working, by=staff)
