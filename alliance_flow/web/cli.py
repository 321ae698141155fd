"""`alliance-flow web`: serve the dashboard and the JSON API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from alliance_flow.i18n import N_, _


def web(
    host: Annotated[str, typer.Option(help=N_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=N_("Port to listen on."))] = 8000,
    workers: Annotated[int, typer.Option(help=N_("Worker processes."))] = 1,
) -> None:
    """Serve the dashboard (http://HOST:PORT/) and the API (/api/v1, docs at /api/docs).

    Logs go to standard output, one line per request with its X-Request-ID, as JSON lines when
    ALLIANCE_FLOW_LOG_FORMAT=json.
    """
    import uvicorn

    from alliance_flow.settings import get_settings

    if get_settings().log_format != "json":
        typer.echo(
            _("Dashboard on http://{host}:{port}/ (API docs: /api/docs). Ctrl+C stops it.").format(
                host=host, port=port
            )
        )
    from alliance_flow.web.settings import get_web_settings

    proxies = get_web_settings().trusted_proxies.strip()
    uvicorn.run(
        "alliance_flow.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_config=None,  # alliance_flow.web.asgi sets logging up in each worker
        access_log=False,  # the request-id middleware writes one line per request instead
        timeout_graceful_shutdown=20,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 by default; only configured proxies here
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
    )
