"""Holding the cyclic garbage collector back while the application loads.

Python's collector starts a collection every 700 new container objects and, every so often,
walks every object alive. Loading the application allocates hundreds of thousands of objects
in a burst (classes, functions, SQLAlchemy and pydantic structures, FastAPI's routes), all
kept until exit: with the collector running they were walked again and again for no garbage
found (importing the web app took 1.7 times the CPU). Held back, the collector resumes at the
end of the block, even on an error; nested blocks leave it to the outermost one. (Drawing a
PDF with it held back made no difference that could be measured, so it runs there as usual.)
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic collection in the block; the outermost block resumes it, even on an error.

    Reference counting still frees everything as usual. With `freeze`, what lives at the end
    is moved out of later collections (gc.freeze): only for what lives as long as the process.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def loading() -> AbstractContextManager[None]:
    """Loading modules, or building what lives as long as the process: what the block created
    is then frozen (gc.freeze) out of later collections instead of being walked by them, as
    Python's documentation advises for what a server loads before it serves. (Freezing only
    adds: what someone else froze stays frozen.)"""
    return paused(freeze=True)


def without_gc(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """`fn` runs with the collector paused: for reads that build tens of thousands of records,
    none of them garbage, whose allocation bursts would otherwise trigger collections that walk
    every object of the process (a third of the time of checking every alliance)."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with paused():
            return fn(*args, **kwargs)

    return wrapper
