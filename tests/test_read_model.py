"""The read model gives each fact of an alliance its own value (facts are built by position)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alliance_flow.db import Database
from alliance_flow.facts import CURRENT_STAGE, VERDICTS, read_facts
from alliance_flow.services import alliances as alliance_service
from tests.conftest import TODAY


def test_every_fact_of_an_alliance_lands_in_its_own_field(db: Database) -> None:
    with db.transaction() as session:
        alliance = alliance_service.create_alliance(
            session=session,
            actor="test",
            alliance_in=dict(
                name="Alliance de Lyon",
                slug="lyon",
                country="FR",
                region="Auvergne-Rhône-Alpes",
                region_boundary="La métropole de Lyon",
                language="fr",
                timezone="Europe/Paris",
                work_plan_start=date(2026, 1, 5),
                work_plan_end=date(2027, 6, 30),
                accountable="La présidente",
                communication_channels=["e-mail", "Signal"],
                vision="Une région où l'on se parle",
                vision_agreed_on=date(2026, 2, 1),
            ),
        )
        ids = [alliance.id]
        for include in (None, CURRENT_STAGE, replace(VERDICTS, today=TODAY)):
            facts = (
                read_facts(session, ids) if include is None else read_facts(session, ids, include)
            )
            f = facts[alliance.id]
            assert (f.id, f.slug, f.name, f.stage) == (
                alliance.id,
                "lyon",
                "Alliance de Lyon",
                "scope",
            )
            assert (f.region, f.region_boundary) == ("Auvergne-Rhône-Alpes", "La métropole de Lyon")
            assert (f.work_plan_start, f.work_plan_end) == (date(2026, 1, 5), date(2027, 6, 30))
            assert (f.accountable, f.vision) == ("La présidente", "Une région où l'on se parle")
            assert f.vision_agreed_on == date(2026, 2, 1)
            assert (f.country, f.language, f.timezone) == ("FR", "fr", "Europe/Paris")
            assert f.channels == (
                () if include is not None and include.verdicts_only else ("e-mail", "Signal")
            )
            assert (f.measures is not None) == (include is not None and include.verdicts_only)
