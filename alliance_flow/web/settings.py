"""Web settings, read from ALLIANCE_FLOW_WEB_* variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_FLOW_WEB_", env_file=".env", extra="ignore"
    )

    #: Send cookies only over HTTPS; turn on behind TLS.
    cookie_secure: bool = False


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
