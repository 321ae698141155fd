"""Holding the cyclic garbage collector back while a burst of allocation runs.

Python's collector starts a collection every 700 new container objects and, every so often,
walks every object alive. Loading the application (tens of thousands of classes, functions,
SQLAlchemy and pydantic structures, all kept until exit) and drawing a report (charts and page
boxes, all dropped at the end) allocate hundreds of thousands of objects in a burst: with the
collector running they were walked again and again for no garbage found (the web app's
import took 40% more CPU, a PDF 10%). Held back, the collector resumes at the end of the
block, even on an error; nested blocks leave it to the outermost one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Loading modules, or building what lives as long as the process: what the block created
    goes straight to the oldest generation (freeze, unfreeze) instead of being walked by the
    next young collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@contextmanager
def drawing() -> Iterator[None]:
    """Building something mostly thrown away at the end (a chart, a PDF): the next young
    collection walks what the block left, once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
