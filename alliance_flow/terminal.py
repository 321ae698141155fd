"""The CLI's consoles: full values when the output goes to a file or another program, and every
value shown as text, never as markup.

A name such as `Alliance [/] test` or `Maison des femmes [antenne nord]` is data; rich would read
it as markup (and crash or cut it short), so markup and emoji codes are off everywhere and our own
colours are given as styles (`styled`), never inside the printed strings.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

#: Wide enough that no name is cut when the output is not a terminal (rich assumes 80 columns).
PIPE_WIDTH = 10_000


def make_console(*, stderr: bool = False) -> Console:
    """A console that wraps to the terminal, or never cuts a value when piped or redirected."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(stderr=stderr, highlight=False, width=width, markup=False, emoji=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text made of plain strings and (text, style) pairs, e.g. styled(("Error:", "red"), msg)."""
    return Text.assemble(*parts)
