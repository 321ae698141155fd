"""Values as JSON understands them: dates as ISO text, money as exact text, enums as values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):  # a file's content: its size, never the bytes themselves
        return f"({len(value)} bytes)"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
