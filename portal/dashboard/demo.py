"""Demo targets: the programme's targets from seed 000 for every year the demo covers (2024 up to today).

Dordrecht 2024: 75 partners, 50 with the label, 25 working on it. Dordrecht 2025: 155 partners of whom 110 have
the label, so 45 work on it (the two groups split the partners). No target for 2026 is published: the demo
carries 2025's forward so that the current year has one. Zwijndrecht and Sliedrecht (from 2025) have no
published targets, so the demo sets none.
"""
from portal.dashboard.targets import set_target
from portal.partners.reference import ensure_municipalities

# (municipality, year, partners, labels, working on the label)
DEMO_TARGETS = (
    ("Dordrecht", 2024, 75, 50, 25),
    ("Dordrecht", 2025, 155, 110, 45),
    ("Dordrecht", 2026, 155, 110, 45),  # carried forward from 2025: no 2026 target is published
)


def seed(accounts):
    municipalities = ensure_municipalities()
    staff = accounts.get("mbo_staff")
    for name, year, partners, labels, working in DEMO_TARGETS:
        set_target(municipalities[name], year, partners=partners, labels=labels, working_on_label=working, by=staff)
