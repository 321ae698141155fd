"""Reminder settings, read from ALLIANCE_FLOW_REMINDERS_* variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from alliance_flow.reminders.due import Rules
from alliance_flow.settings import get_thresholds, secrets_dir


class ReminderSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_FLOW_REMINDERS_",
        env_file=".env",
        extra="ignore",
        secrets_dir=secrets_dir(),
    )

    #: Where links in messages point (the web app's address).
    public_url: str = "http://127.0.0.1:8000"
    #: An Apprise config file (YAML/TEXT) whose tags are `<slug>-<audience>`, used when an
    #: alliance has no channel of its own for that audience.
    notifications_file: Path | None = None
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    #: How long a sweep owns a message it claimed to send it (it claims each one as it sends
    #: it): a sweep that died leaves the messages in its hands to the next sweep after this long.
    #: A message to a channel of several URLs is held this long for each of them; keep it above
    #: one URL's longest delivery (its connect and read timeouts, timeout_seconds each).
    lease_seconds: float = 60.0
    batch_size: int = 200
    #: How many messages are sent at once (each to its own channel).
    concurrency: int = 16
    #: Apprise connect/read timeout for each message.
    timeout_seconds: float = 10.0
    evaluation_cadence_months: int = 3
    digest_weekday: int = 0
    funder_day_of_month: int = 1

    def rules(self) -> Rules:
        return Rules(
            months_before_end=get_thresholds().sustainability.months_before_end,
            evaluation_cadence_months=self.evaluation_cadence_months,
            digest_weekday=self.digest_weekday,
            funder_day_of_month=self.funder_day_of_month,
        )

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the n-th failed attempt: doubling, capped."""
        delay = self.backoff_seconds * 2 ** max(attempts - 1, 0)
        return float(min(delay, self.backoff_max_seconds))


@lru_cache
def get_reminder_settings() -> ReminderSettings:
    return ReminderSettings()
