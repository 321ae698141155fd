"""Web settings, read from ALLIANCE_FLOW_WEB_* variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from alliance_flow.settings import secrets_dir


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_FLOW_WEB_",
        env_file=".env",
        extra="ignore",
        secrets_dir=secrets_dir(),
    )

    #: Send cookies only over HTTPS; turn on behind TLS (it also turns on HSTS).
    cookie_secure: bool = False
    #: Addresses of the reverse proxies whose X-Forwarded-For / -Proto headers are believed,
    #: comma-separated (e.g. "127.0.0.1"). Empty: the headers are ignored and the client is the
    #: connection's own address, so no one can pick the address the login limit counts.
    trusted_proxies: str = ""
    #: Where the organisations map draws its background; empty: no background, the map
    #: still places the organisations and says why it is blank.
    map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© OpenStreetMap contributors"


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
