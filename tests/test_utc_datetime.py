"""UTC date-times come back aware and in UTC, whichever way SQLite hands them over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update
from sqlalchemy.dialects import sqlite

from alliance_flow import models as m
from alliance_flow.db import Database


def test_a_stored_moment_reads_back_aware_and_equal(db: Database) -> None:
    # given a stage event stamped at a moment given in another zone
    moment = datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with db.transaction() as session:
        alliance = m.Alliance(slug="utc", name="UTC", country="FR")
        session.add(alliance)
        session.flush()
        session.execute(update(m.Alliance).values(created_at=moment))
    # when it is read back through a plain Core select
    with db.transaction() as session:
        read = session.execute(select(m.Alliance.created_at)).scalar_one()
    # then it is the same instant, in UTC
    assert read == moment
    assert read.utcoffset() == timedelta(0)
    assert read.hour == 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02 09:00:00.000000", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        ("2026-03-02 09:00:00", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        # written by something else, with an offset: converted, not mislabelled as UTC
        ("2026-03-02 11:00:00+02:00", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        (None, None),
    ],
)
def test_sqlite_texts_are_read_as_utc(text: str | None, expected: datetime | None) -> None:
    dialect = sqlite.dialect()
    process = m.UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    read = process(text)
    assert read == expected
    if read is not None:
        assert read.utcoffset() == timedelta(0)
