"""Daily reminders sweep: ask the service what is due, record it in the outbox, deliver it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, runtime, task

from alliance_flow.db import open_database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.delivery import AppriseNotifier


def _day_of(parameters: dict[str, Any]) -> str:
    return parameters.get("today") or datetime.now(UTC).date().isoformat()


def _flow_run_name() -> str:
    """'reminders-2026-11-28' even when the sweep runs for 'now' (no today parameter)."""
    return f"reminders-{_day_of(runtime.flow_run.parameters)}"


def _task_run_name() -> str:
    return f"record-due-{_day_of(runtime.task_run.parameters)}"


@task(name="record-due", task_run_name=_task_run_name)
def record_due(database_url: str | None, today: str | None) -> dict[str, Any]:
    """Decide what is due for every open alliance and record it in the outbox (once)."""
    db = open_database(database_url)
    try:
        moment = outbox.as_moment(date.fromisoformat(today) if today else None)
        report = outbox.record_due(db=db, moment=moment)
    finally:
        db.dispose()
    logger = get_run_logger()
    for slug, error in report.errors.items():
        logger.error("alliance %s: reminders not decided: %s", slug, error)
    return {
        "alliances": report.alliances,
        "decided": report.decided,
        "recorded": report.recorded,
        "errors": report.errors,
    }


@task(name="deliver-outbox")
def deliver_outbox(database_url: str | None) -> dict[str, Any]:
    """Send what is pending; every line logged says what went to whom, redacted."""
    logger = get_run_logger()
    db = open_database(database_url)
    try:
        report = outbox.deliver_pending(db=db, notifier=AppriseNotifier(), on_line=logger.info)
    finally:
        db.dispose()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@flow(name="reminders", flow_run_name=_flow_run_name)
def reminders(today: str | None = None, database_url: str | None = None) -> dict[str, Any]:
    """One sweep: record, then deliver. `today` (YYYY-MM-DD) forces the day; default is now."""
    recorded = record_due(database_url, today)
    delivered = deliver_outbox(database_url)
    return {**recorded, **delivered}
