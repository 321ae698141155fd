"""Many people acting at once on PostgreSQL: one stage move, never a lost or doubled write."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.errors import AllianceFlowError
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import stages as stage_service
from tests.conftest import POSTGRES_URL, TODAY, _postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[Database]:
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL configured (set ALLIANCE_FLOW_TEST_POSTGRES_URL)")
    for url in _postgres_database():
        database = Database(url)
        database.upgrade()
        yield database
        database.dispose()


def test_fifty_simultaneous_advances_make_one_move_and_one_history_row(pg: Database) -> None:
    # given an alliance whose scope checks are all waived: it may advance once
    with pg.transaction() as session:
        a = alliance_service.create_alliance(
            session=session, alliance_in={"name": "Race", "country": "FR"}, actor="setup"
        )
        report = stage_service.gate_report(session=session, alliance=a, today=TODAY)
        for outcome in report.blocking:
            stage_service.waive_check(
                session=session,
                alliance=a,
                code=outcome.code,
                reason="waived for the concurrency test",
                actor="setup",
                today=TODAY,
            )
        alliance_id = a.id
    # when 50 coordinators press "advance" at the same moment
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press() -> None:
        start.wait()
        try:
            with pg.transaction() as session:
                alliance = session.get(m.Alliance, alliance_id)
                assert alliance is not None
                stage_service.advance_stage(
                    session=session, alliance=alliance, actor="someone", today=TODAY
                )
            result = "moved"
        except AllianceFlowError as refused:
            result = type(refused).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then exactly one moved, every other was refused cleanly, and history has one advance
    counts = Counter(outcomes)
    assert len(outcomes) == 50 and counts["moved"] == 1, counts
    with pg.transaction() as session:
        assert session.get(m.Alliance, alliance_id).stage == "launch"  # type: ignore[union-attr]
        advances = session.scalar(
            select(func.count()).where(
                m.StageEvent.alliance_id == alliance_id, m.StageEvent.kind == "advanced"
            )
        )
    assert advances == 1
