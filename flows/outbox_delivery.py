"""Retries between daily sweeps: deliver what is pending in the outbox, nothing else."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from alliance_flow.db import open_database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.delivery import AppriseNotifier


@flow(name="outbox-delivery", flow_run_name="outbox-delivery")
def outbox_delivery(database_url: str | None = None) -> dict[str, Any]:
    logger = get_run_logger()
    db = open_database(database_url)
    try:
        report = outbox.deliver_pending(db=db, notifier=AppriseNotifier(), on_line=logger.info)
    finally:
        db.dispose()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}
