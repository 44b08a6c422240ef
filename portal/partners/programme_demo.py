"""Demo data: St. MBO brings in its running programme through the imports, as it would on the day it switches.

- Labels: 30 Dordrecht partners held the label on 30 September 2024 ("Per Q3 75 partners waarvan 30 label behaald
  en 45 zijn ermee aan de slag", seed 000); most renewed when their label ran out; more partners earned it in 2025
  and 2026, in Zwijndrecht and Sliedrecht only from 2025. One label was suspended and one withdrawn after Q3 2024.
- Path steps: the intake and inspiratiesessie of partners working on the label.
The certificate numbers St. MBO used before are unknown, so the import gives each label the portal's own number.
Bouwbedrijf De Merwede (the demo ondernemer) gets none: its zelfscan is in the portal (``portal.label.demo``).
"""
import random
from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.label.awards import validity_end
from portal.partners import programme_import
from portal.partners.demo import MERWEDE_KVK, Q3_2024
from portal.partners.models import Municipality, Organisation

LABELS_Q3_2024 = 30


def _partners(town: str):
    return db.session.scalars(
        select(Organisation).join(Municipality, Municipality.id == Organisation.municipality_id)
        .where(Municipality.name == town, Organisation.partner_since.is_not(None), Organisation.kvk != MERWEDE_KVK)
        .order_by(Organisation.partner_since, Organisation.id)).all()


def _run(kind: str, filename: str, lines: list[str], staff) -> None:
    batch = programme_import.upload(kind, filename, ("\n".join(lines) + "\n").encode("utf-8"), staff)
    if batch.invalid_rows:  # the demo's own rows are always right; a problem here is a bug in this module
        raise RuntimeError(f"demo import {filename}: {batch.invalid_rows[0]['problems']}")
    programme_import.commit(batch, staff)


def seed(accounts):
    staff = accounts.get("mbo_staff")
    if staff is None:
        return
    rng = random.Random(20240930)
    today = clock.today()
    dordrecht = _partners("Dordrecht")
    cohort = [o for o in dordrecht if o.partner_since <= Q3_2024]
    if len(cohort) < LABELS_Q3_2024:
        return
    holders = cohort[:LABELS_Q3_2024]  # the earliest partners had their label by the end of Q3 2024
    working = cohort[LABELS_Q3_2024:]
    labels = ["kvk;toegekend_op;geldig_tot;geschorst_op;ingetrokken_op;reden"]
    steps = ["kvk;stap;datum;notitie"]

    def path_to(org, awarded=None):
        """Intake and inspiratiesessie between the partnership and the label (or the end of Q3 2024)."""
        last = min((awarded or Q3_2024) - timedelta(days=1), today)
        first = org.partner_since
        if last <= first:
            return
        intake = first + timedelta(days=rng.randint(0, max((last - first).days // 3, 0)))
        steps.append(f"{org.kvk};intake;{intake.isoformat()};Eerste inventarisatie: waar staat de organisatie?")
        if awarded or rng.random() < 0.4:
            if intake < last:
                session = intake + timedelta(days=rng.randint(1, (last - intake).days))
                steps.append(f"{org.kvk};inspiratiesessie;{session.isoformat()};")

    for index, org in enumerate(holders):
        awarded = min(org.partner_since + timedelta(days=rng.randint(30, 90)), Q3_2024)
        path_to(org, awarded)
        until = validity_end(awarded)
        suspended = withdrawn = reason = ""
        if index == 3 and org.partner_status == "partner":
            suspended, reason = "2025-06-02", "Klacht over de uitvoering van afspraken wordt onderzocht."
        if org.partner_status == "beeindigd":
            left = org.status_history[-1].valid_from
            if left <= until:
                withdrawn, reason = left.isoformat(), "Partnerschap beëindigd."
        labels.append(f"{org.kvk};{awarded.isoformat()};{until.isoformat()};{suspended};{withdrawn};{reason}")
        renew_on = until + timedelta(days=1)
        if (org.partner_status == "partner" and not suspended and renew_on <= today and index % 3 != 2):
            labels.append(f"{org.kvk};{renew_on.isoformat()};{validity_end(renew_on).isoformat()};;;")

    # Working on the label on 30 September 2024: about two in three had their intake by then.
    for org in working:
        if rng.random() < 0.65:
            path_to(org)
    # After Q3 2024: some of them and of the later partners earned the label.
    later = [o for o in working if o.partner_status == "partner"][::2] + \
        [o for o in dordrecht if o.partner_since > Q3_2024][::3]
    for town in ("Zwijndrecht", "Sliedrecht"):
        later += _partners(town)[::2]
    for org in later:
        start = max(org.partner_since, Q3_2024) + timedelta(days=rng.randint(60, 240))
        if start >= today - timedelta(days=14):
            continue
        labels.append(f"{org.kvk};{start.isoformat()};{validity_end(start).isoformat()};;;")
    _run("labels", "labelregister-st-mbo.csv", labels, staff)
    _run("path", "trajectstappen-st-mbo.csv", steps, staff)
