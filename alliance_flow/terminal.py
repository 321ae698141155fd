"""The CLI's consoles: full values when the output goes to a file or another program."""

from __future__ import annotations

import sys

from rich.console import Console

#: Wide enough that no name is cut when the output is not a terminal (rich assumes 80 columns).
PIPE_WIDTH = 10_000


def make_console(*, stderr: bool = False) -> Console:
    """A console that wraps to the terminal, or never cuts a value when piped or redirected."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(stderr=stderr, highlight=False, width=width)
