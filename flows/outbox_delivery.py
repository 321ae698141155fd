"""Retries between daily sweeps: deliver what is pending in the outbox, nothing else.

Ends Failed (saying how many messages wait for a retry, and until when) when something could
not be delivered, so Prefect automations and notifications fire.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.states import State

from alliance_flow.db import open_database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.delivery import AppriseNotifier, install_log_redaction
from alliance_flow.reminders.sweep import delivery_summary, outcome


@flow(name="outbox-delivery", flow_run_name="outbox-delivery")
def outbox_delivery(database_url: str | None = None) -> State[Any]:
    install_log_redaction()
    logger = get_run_logger()
    db = open_database(database_url)
    try:
        report = outbox.deliver_pending(db=db, notifier=AppriseNotifier(), on_line=logger.info)
    finally:
        db.dispose()
    return outcome(delivery_summary(report))
