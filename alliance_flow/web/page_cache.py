"""Rendered pages kept while the database shows exactly the data they were made from.

The portfolio and an alliance's overview are read far more often than anything changes, and
rendering them (every alliance's checks, the template) costs many times what sending them does.
A page is kept under everything it is made from, so a kept page is never out of date:

- the committed data: the page is read in one PostgreSQL snapshot, named by
  `pg_current_snapshot()` (which transactions are visible: every write, by any process,
  the CLI, a flow or psql, is a transaction, and one beginning or ending changes the name;
  `Database.reading`). Two reads under one name saw the same committed data;
- who is asking: every field of the viewer (roles, language, name...) and their CSRF token;
- the language, the day (`today`), the path, its query and whether HTMX asked;
- the code, templates, catalogs and settings: the cache belongs to one app in one process.

Not kept: funders' pages (what is withheld from them is read apart from the page), pages on
SQLite (it has no snapshot to name), and anything but a plain 200 answer to a GET.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date
from typing import Any

from fastapi import Request

from alliance_flow.web.deps import Page

#: Pages kept per process, and their bytes at most; the least recently used goes first. A page
#: is 10-100 kB (a portfolio of a thousand alliances, a few MB).
SIZE = 128
BYTES = 32 * 2**20


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((k, _frozen(v)) for k, v in value.items()), key=repr)))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_frozen(v) for v in value), key=repr)))
    if isinstance(value, list | tuple):
        return ("seq", tuple(_frozen(v) for v in value))
    hash(value)  # anything else must be a plain value; fails loudly otherwise
    return value


def viewer_key(viewer: Any) -> Hashable:
    """Every field of the viewer, so a field added later cannot be left out of the key."""
    return tuple((f.name, _frozen(getattr(viewer, f.name))) for f in dataclasses.fields(viewer))


class PageCache:
    """Kept pages of one app, shared by its request threads."""

    def __init__(self, size: int = SIZE, max_bytes: int = BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(
        self, request: Request, page: Page, today: date, snapshot: str | None, name: str
    ) -> Hashable | None:
        """What the page `name` is made from, or None when it must not be kept."""
        if (
            snapshot is None
            or request.method != "GET"
            or page.viewer is None
            or page.withheld is not None
        ):
            return None
        return (
            name,
            snapshot,
            today,
            request.url.path,
            request.url.query,
            request.headers.get("HX-Request"),
            page.tr,
            page.csrf,
            viewer_key(page.viewer),
        )

    def get(self, key: Hashable | None) -> bytes | None:
        if key is None:
            return None
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, key: Hashable | None, body: bytes) -> None:
        if key is None or len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._pages[key] = body
            while len(self._pages) > self.size or self._bytes > self.max_bytes:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped)


def page_cache(request: Request) -> PageCache:
    """The app's kept pages (made with the app: `create_app`)."""
    cache: PageCache = request.app.state.page_cache
    return cache
