"""Calendar months, for the deadlines the guide counts in months."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=4096)
def months_after(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), the last of a shorter month: the
    same few days recur across thousands of alliances, and relativedelta is slow."""
    return day + relativedelta(months=months)
