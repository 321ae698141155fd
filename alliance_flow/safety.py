"""Values typed by people, made safe for where they go: links, spreadsheets, database ids.

One place so that every form, import, page, report and export gets the same protection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

#: The largest id our tables hold: every id column is an INTEGER, 32 bits on PostgreSQL, which
#: refuses a larger number even in a lookup ("integer out of range"). Larger ids exist nowhere.
MAX_ID = 2**31 - 1

#: Schemes a user-typed address may have to become a link; `javascript:`, `data:` never do.
LINK_SCHEMES = ("http", "https")
MAIL_SCHEMES = ("mailto",)

#: What a spreadsheet reads as the start of a formula (or hides before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_web_address(value: str, *, mail: bool = False) -> bool:
    """True for an absolute http(s) address with a host (or mailto: when `mail`)."""
    text = value.strip()
    if any(ord(c) < 32 for c in text):  # a tab or newline inside a scheme fools browsers
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in LINK_SCHEMES:
        return bool(parts.netloc) and not parts.netloc.startswith("@")
    if mail and scheme in MAIL_SCHEMES:
        return "@" in parts.path
    return False


def safe_url(value: Any, *, mail: bool = True) -> str | None:
    """The address if it may be a link (http, https, mailto), else None: shown as text instead."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip() if is_web_address(value, mail=mail) else None


def spreadsheet_cell(value: Any) -> Any:
    """A cell value a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: What a spreadsheet refuses in a sheet's name (openpyxl raises on them), and its longest name.
SHEET_FORBIDDEN = frozenset("[]:*?/\\")
SHEET_TITLE_MAX = 31


def sheet_title(text: str, default: str = "Sheet") -> str:
    """A sheet name made from any text (an alliance's name): forbidden characters dropped,
    cut to 31 characters with an ellipsis that says so; never empty."""
    kept = "".join(" " if c in SHEET_FORBIDDEN or ord(c) < 32 else c for c in text)
    kept = " ".join(kept.split()).strip("'")
    if len(kept) > SHEET_TITLE_MAX:
        kept = kept[: SHEET_TITLE_MAX - 1].rstrip() + "…"
    return kept or default


def csv_writer(stream: Any, text: Callable[[Any], str] | None = None, **dialect: Any) -> Any:
    """A CSV writer whose every cell is neutralised by `spreadsheet_cell`; `text` turns other
    values into text (default: str, None as empty); `dialect` as for csv.writer."""
    import csv

    writer = csv.writer(stream, **{"lineterminator": "\n", **dialect})
    show = text or (lambda v: "" if v is None else str(v))

    class Neutralised:
        def writerow(self, row: Iterable[Any]) -> None:
            writer.writerow([show(spreadsheet_cell(v)) for v in row])

        def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
            for row in rows:
                self.writerow(row)

    return Neutralised()


def parse_id(text: str) -> int | None:
    """An id typed in a URL or on a command line: ASCII digits within range, else None."""
    text = text.strip()
    if not text or not (text.isascii() and text.isdecimal()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


#: The range of an ordinary integer column on PostgreSQL (SQLite stores more; we refuse alike).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def check_storable(session: Any, flush_context: Any, instances: Any) -> None:
    """Refuse, naming the field, any value its column cannot hold as typed, on every database.

    SQLite stores a 3,000-character phone in a 60-character column; PostgreSQL refuses it
    with a DataError. Checking before the flush makes both answer the same clear 422.
    """
    from sqlalchemy import BigInteger, Integer, String, inspect

    from alliance_flow.errors import FieldProblem, InvalidInput
    from alliance_flow.i18n import _

    problems = []
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if len(attr.columns) != 1:
                continue
            column = attr.columns[0]
            value = state.dict.get(attr.key)
            kind = column.type
            if isinstance(value, str) and isinstance(kind, String) and kind.length:
                if len(value) > kind.length:
                    problems.append(
                        FieldProblem(
                            attr.key,
                            _("too long (at most {max_length} characters)").format(
                                max_length=kind.length
                            ),
                        )
                    )
            elif (
                isinstance(value, int)
                and not isinstance(value, bool)
                and isinstance(kind, Integer)
                and not isinstance(kind, BigInteger)
                and not INT_MIN <= value <= INT_MAX
            ):
                problems.append(
                    FieldProblem(attr.key, _("must be at most {le}").format(le=INT_MAX))
                )
    if problems:
        raise InvalidInput(problems)
