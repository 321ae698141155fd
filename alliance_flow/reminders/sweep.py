"""What a sweep's flow run reports: a summary of the delivery and the Prefect state it ends in."""

from __future__ import annotations

from typing import Any

from alliance_flow.reminders.outbox import DeliveryReport


def delivery_summary(report: DeliveryReport) -> dict[str, Any]:
    retry = report.next_retry_at
    return {
        "sent": report.sent,
        "retrying": report.retrying,
        "failed": report.failed,
        "next_retry_at": f"{retry:%Y-%m-%d %H:%M} UTC" if retry else None,
    }


def problems_of(result: dict[str, Any]) -> list[str]:
    """What did not go in a sweep, in an operator's words (empty when everything went)."""
    problems = []
    if result.get("errors"):
        problems.append(f"{len(result['errors'])} alliance(s) not decided")
    if result.get("failed"):
        problems.append(f"{result['failed']} message(s) failed for good")
    if result.get("retrying"):
        problems.append(
            f"{result['retrying']} message(s) not delivered, waiting for retry at "
            f"{result.get('next_retry_at')}"
        )
    return problems


def outcome(result: dict[str, Any]) -> Any:
    """Completed when everything went; Failed, saying what did not, otherwise (the result
    rides along as the state's data either way)."""
    from prefect.states import Completed, Failed

    if problems := problems_of(result):
        return Failed(message="; ".join(problems), data=result)
    return Completed(message=f"{result.get('sent', 0)} message(s) sent", data=result)
