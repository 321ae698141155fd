"""Every table of the schema in one metadata, so Alembic and the tests see all of them."""

from __future__ import annotations

from alliance_flow import models
from alliance_flow.accounts import models as account_models
from alliance_flow.reminders import models as reminder_models

metadata = models.Base.metadata

__all__ = ["account_models", "metadata", "models", "reminder_models"]
