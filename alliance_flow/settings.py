"""Deployment settings, read from ALLIANCE_FLOW_* variables (or a .env file)."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIFECYCLE_FILE = PROJECT_ROOT / "config" / "lifecycle.toml"


def user_data_dir() -> Path:
    """Per-user data directory (XDG on Linux), so the default database survives upgrades."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "alliance_flow"


def secrets_dir() -> str | None:
    """Where secrets are read from files, one per variable (e.g. a file named
    ALLIANCE_FLOW_DATABASE_URL): ALLIANCE_FLOW_SECRETS_DIR, or systemd's credentials directory.
    The environment wins over a file; nothing secret needs to be in the configuration file."""
    return os.environ.get("ALLIANCE_FLOW_SECRETS_DIR") or os.environ.get("CREDENTIALS_DIRECTORY")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_FLOW_", env_file=".env", extra="ignore", secrets_dir=secrets_dir()
    )

    database_url: str = ""
    lifecycle_file: Path = DEFAULT_LIFECYCLE_FILE
    # Run pending Alembic migrations when a command opens the database.
    auto_migrate: bool = True
    #: "json" for one JSON object per line (services), "text" for people at a terminal.
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    #: Days a former member's e-mail, phone and channel are kept after they left (then erased by
    #: `alliance-flow privacy retention`); their name and part in the history stay.
    former_member_contact_days: int = Field(default=365, ge=0)
    #: The largest file a person may upload (an evaluator's report, a signed plan), in bytes.
    #: Files are kept in the database, so its backups hold them.
    document_max_bytes: int = Field(default=10_000_000, ge=1_000, le=100_000_000)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        data_dir = user_data_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / 'alliance_flow.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()


class ScopeLimits(BaseModel):
    min_candidates: int = 8
    required_sectors: list[str] = Field(
        default_factory=lambda: ["social_action", "socio_cultural_sports", "economic_insertion"]
    )
    min_briefing_reasons: int = 5


class LaunchLimits(BaseModel):
    min_members: int = 8
    max_members: int = 12
    min_plenaries: int = 4
    max_plenaries: int = 5
    min_plenary_span_months: int = 12
    max_plenary_span_months: int = 18


class AnalysisLimits(BaseModel):
    min_gaps: int = 1


class DisseminationLimits(BaseModel):
    required_audiences: list[str] = Field(default_factory=lambda: ["policy_makers"])


class SustainabilityLimits(BaseModel):
    months_before_end: int = 6


class Thresholds(BaseModel):
    """The guide's numbers; every gate reads them from here, never from a literal."""

    scope: ScopeLimits = Field(default_factory=ScopeLimits)
    launch: LaunchLimits = Field(default_factory=LaunchLimits)
    analysis: AnalysisLimits = Field(default_factory=AnalysisLimits)
    dissemination: DisseminationLimits = Field(default_factory=DisseminationLimits)
    sustainability: SustainabilityLimits = Field(default_factory=SustainabilityLimits)


def load_thresholds(path: Path | None = None) -> Thresholds:
    path = path or get_settings().lifecycle_file
    if not path.exists():
        return Thresholds()
    with path.open("rb") as fh:
        return Thresholds.model_validate(tomllib.load(fh))


@lru_cache
def get_thresholds() -> Thresholds:
    return load_thresholds()
