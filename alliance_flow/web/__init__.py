"""The dashboard and JSON API: a thin FastAPI adapter over the service layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance_flow.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # FastAPI is imported when the app is made, not when `alliance_flow.web.cli` is (the CLI).
    if name == "create_app":
        from alliance_flow.web.app import create_app

        return create_app
    raise AttributeError(name)
