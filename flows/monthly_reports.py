"""Monthly funder reports: record each funder's message in the outbox once, then send it.

Safe to run every day: the month's message is recorded on the first run on or after the report
day (ALLIANCE_FLOW_REMINDERS_FUNDER_DAY_OF_MONTH), later runs record nothing and only retry what
could not be sent. The rules live in alliance_flow.reports.delivery; this flow only calls them.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from prefect import flow, get_run_logger
from prefect.exceptions import MissingContextError

from alliance_flow.db import open_database
from alliance_flow.reports import delivery


def _logger() -> Any:
    try:
        return get_run_logger()
    except MissingContextError:  # called as monthly_reports.fn(...), outside a flow run
        return logging.getLogger("monthly-reports")


@flow(name="monthly-reports", flow_run_name="monthly-reports-{today}")
def monthly_reports(
    today: str | None = None,
    database_url: str | None = None,
    notifier: Any = None,
) -> dict[str, Any]:
    """Record this month's funder reports (once) and send what is pending.

    `today` (YYYY-MM-DD) forces the day; `notifier` is for tests (default: Apprise).
    """
    logger = _logger()
    db = open_database(database_url)
    try:
        day = date.fromisoformat(today) if today else date.today()
        recorded = delivery.record_monthly(db=db, today=day)
        for login in recorded.no_channel:
            logger.warning("funder %s has no channel: no report recorded", login)
        for login, error in recorded.errors.items():
            logger.error("funder %s: report not recorded: %s", login, error)
        sent = delivery.deliver_reports(
            db=db,
            notifier=notifier or delivery.AppriseReportNotifier(),
            on_line=logger.info,
        )
    finally:
        db.dispose()
    return {
        "funders": recorded.funders,
        "recorded": recorded.recorded,
        "already": recorded.already,
        "no_channel": recorded.no_channel,
        "errors": recorded.errors,
        "sent": sent.sent,
        "retrying": sent.retrying,
        "failed": sent.failed,
    }
