"""Daily reminders sweep: ask the service what is due, record it in the outbox, deliver it.

A sweep with failures (an alliance whose rules could not run, messages not delivered) ends in
a Failed state whose message says what failed, so Prefect automations and notifications fire.
The deployments limit themselves to one run at a time (deploy/prefect.yaml).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.exceptions import MissingContextError
from prefect.states import State

from alliance_flow.db import open_database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.delivery import AppriseNotifier, install_log_redaction
from alliance_flow.reminders.sweep import delivery_summary, outcome


def _logger() -> Any:
    try:
        return get_run_logger()
    except MissingContextError:  # called in-process (task.fn), outside a Prefect run
        return logging.getLogger("alliance_flow.reminders.sweep")


def _day_of(parameters: dict[str, Any]) -> str:
    return parameters.get("today") or datetime.now(UTC).date().isoformat()


def _flow_run_name() -> str:
    """'reminders-2026-11-28' even when the sweep runs for 'now' (no today parameter)."""
    return f"reminders-{_day_of(runtime.flow_run.parameters)}"


def _task_run_name() -> str:
    return f"record-due-{_day_of(runtime.task_run.parameters)}"


# A database that is briefly away is retried by Prefect; a message that cannot be delivered is
# retried by the outbox with its own backoff (it outlives the run), so delivery has no retries.
@task(name="record-due", task_run_name=_task_run_name, retries=2, retry_delay_seconds=10)
def record_due(database_url: str | None, today: str | None) -> dict[str, Any]:
    """Decide what is due for every open alliance and record it in the outbox (once)."""
    db = open_database(database_url)
    try:
        moment = outbox.as_moment(date.fromisoformat(today) if today else None)
        report = outbox.record_due(db=db, moment=moment)
    finally:
        db.dispose()
    logger = _logger()
    for slug, error in report.errors.items():
        logger.error("alliance %s: reminders not decided: %s", slug, error)
    return {
        "alliances": report.alliances,
        "decided": report.decided,
        "recorded": report.recorded,
        "unreachable": report.unreachable,
        "errors": report.errors,
    }


@task(name="deliver-outbox", timeout_seconds=3600)
def deliver_outbox(database_url: str | None) -> dict[str, Any]:
    """Send what is pending; every line logged says what went to whom, redacted."""
    install_log_redaction()
    logger = _logger()
    db = open_database(database_url)
    try:
        report = outbox.deliver_pending(db=db, notifier=AppriseNotifier(), on_line=logger.info)
    finally:
        db.dispose()
    return delivery_summary(report)


def sweep_in_process(today: str | None = None, database_url: str | None = None) -> dict[str, Any]:
    """The same sweep without Prefect's engine (no server, no run recorded)."""
    return {**record_due.fn(database_url, today), **deliver_outbox.fn(database_url)}


@flow(name="reminders", flow_run_name=_flow_run_name)
def reminders(today: str | None = None, database_url: str | None = None) -> State[Any]:
    """One sweep: record, then deliver. `today` (YYYY-MM-DD) forces the day; default is now."""
    recorded = record_due(database_url, today)
    delivered = deliver_outbox(database_url)
    return outcome({**recorded, **delivered})
