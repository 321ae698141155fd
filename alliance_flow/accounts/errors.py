"""Account errors, with stable codes the web adapter maps to 401, 403 and 429."""

from __future__ import annotations


class AccessError(Exception):
    code = "forbidden"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(AccessError):
    """No valid session or token; also a wrong login or password (never says which)."""

    code = "unauthenticated"


class Forbidden(AccessError):
    """The user sees the alliance but their role does not allow this."""

    code = "forbidden"


class TooManyAttempts(AccessError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
