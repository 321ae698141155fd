"""Report settings, read from ALLIANCE_FLOW_REPORTS_* variables (or a .env file)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from alliance_flow.reports.figures import ReportOptions
from alliance_flow.settings import secrets_dir


class ReportSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_FLOW_REPORTS_",
        env_file=".env",
        extra="ignore",
        secrets_dir=secrets_dir(),
    )

    #: One currency (ISO 4217) for every budget; empty: each alliance's country's own currency
    #: (SEK in Sweden, EUR in France, Ireland and the Netherlands).
    currency: str | None = None
    #: A failing check is a risk once the alliance has been this many days in its stage.
    failing_for_long_days: int = 60
    #: How many days ahead "upcoming deadlines" look.
    horizon_days: int = 90
    #: A funder's own channel: login -> Apprise URL(s), as JSON, e.g.
    #: ALLIANCE_FLOW_REPORTS_FUNDER_CHANNELS='{"funder-bordeaux": "mailto://..."}'.
    #: A funder can also be reached through the reminders' Apprise config file, tag
    #: `funder-<login>`.
    funder_channels: dict[str, str] = {}
    #: At most this many alliance PDFs are attached to one monthly message (the portfolio
    #: always is); the others are linked.
    max_attachments: int = 10

    def options(self) -> ReportOptions:
        return ReportOptions(
            failing_for_long_days=self.failing_for_long_days, horizon_days=self.horizon_days
        )


@lru_cache
def get_report_settings() -> ReportSettings:
    return ReportSettings()
