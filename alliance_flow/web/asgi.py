"""The ASGI entry point for uvicorn workers: the app over the configured database."""

from alliance_flow.web.app import create_app

app = create_app()
