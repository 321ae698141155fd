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

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Loading modules, or building what lives as long as the process: what the block created
    is then frozen (gc.freeze) out of later collections instead of being walked by them, as
    Python's documentation advises for what a server loads before it serves. (Freezing only
    adds: what someone else froze stays frozen.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
