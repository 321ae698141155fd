"""Two coordinators saving the same item: the second is told, and keeps what they typed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from alliance_flow import models as m
from alliance_flow.errors import Conflict
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.web.conftest import World, login


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the edit form carries the version it was opened at"
    return found.group(1)


def test_the_second_save_is_refused_and_keeps_what_was_typed(world: World) -> None:
    # given two coordinators with the member's page open at the same version
    first = TestClient(create_app(world.db, today=lambda: TODAY))
    second = TestClient(create_app(world.db, today=lambda: TODAY))
    csrf_1, csrf_2 = login(first, "coordinator"), login(second, "coordinator")
    url = f"/alliances/north/members/{world.mia}"
    opened_1, opened_2 = _version(first.get(url).text), _version(second.get(url).text)
    form = {"name": "Mia Member", "joined_on": "2026-01-15"}
    # when the first saves a phone number, then the second saves another one
    saved = first.post(
        url,
        data={**form, "phone": "+33 1 11 11 11 11", "version": opened_1, "csrf_token": csrf_1},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    refused = second.post(
        url,
        data={**form, "phone": "+33 2 22 22 22 22", "version": opened_2, "csrf_token": csrf_2},
        follow_redirects=False,
    )
    # then the second is told, sees what they typed, and the first's change is kept
    assert refused.status_code == 409
    assert "Someone else saved this" in refused.text
    assert "+33 2 22 22 22 22" in refused.text
    with world.db.transaction() as session:
        assert session.get(m.Member, world.mia).phone == "+33 1 11 11 11 11"  # type: ignore[union-attr]
    # and saving again from the refreshed form (now at the new version) goes through
    again = second.post(
        url,
        data={
            **form,
            "phone": "+33 2 22 22 22 22",
            "version": _version(refused.text),
            "csrf_token": csrf_2,
        },
        follow_redirects=False,
    )
    assert again.status_code == 303


def test_two_transactions_crossing_on_one_row_never_lose_a_write(world: World) -> None:
    first = world.db.session()
    second = world.db.session()
    try:
        a = first.get(m.Member, world.mia)
        b = second.get(m.Member, world.mia)
        assert a is not None and b is not None
        a.phone, b.phone = "+1", "+2"
        first.commit()
        with pytest.raises(Exception) as crossed:
            second.commit()
        assert "StaleData" in type(crossed.value).__name__
    finally:
        first.close()
        second.close()
    # the same through a use case: refused as a conflict, nothing half-written
    with pytest.raises(Conflict), world.db.transaction() as session:
        row = session.get(m.Member, world.mia)
        assert row is not None
        with world.db.transaction() as other:
            other_row = other.get(m.Member, world.mia)
            assert other_row is not None
            other_row.phone = "+3"
        row.phone = "+4"
        session.flush()
    with world.db.transaction() as session:
        assert session.get(m.Member, world.mia).phone == "+3"  # type: ignore[union-attr]
