"""The dashboard and JSON API: a thin FastAPI adapter over the service layer."""

from alliance_flow.web.app import create_app

__all__ = ["create_app"]
