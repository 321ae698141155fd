"""Domain and access errors mapped to HTTP: JSON under /api, pages elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from alliance_flow.accounts.errors import AccessError, TooManyAttempts, Unauthenticated
from alliance_flow.errors import AllianceFlowError, ErrorCode, GateBlocked, InvalidInput
from alliance_flow.i18n import _

STATUS: dict[str, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_INPUT: 422,
    ErrorCode.IMPORT_REJECTED: 422,
    ErrorCode.GATE_BLOCKED: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.INVALID_TRANSITION: 409,
    "unauthenticated": 401,
    "forbidden": 403,
    "rate_limited": 429,
}


def error_body(exc: AllianceFlowError | AccessError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": str(exc.code), "message": exc.message}
    if isinstance(exc, InvalidInput):
        body["problems"] = [{"field": p.field, "problem": p.problem} for p in exc.problems]
    if isinstance(exc, GateBlocked):
        body["failing"] = [o.as_dict() for o in exc.report.blocking]
    return {"error": body}


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    from alliance_flow.web.pages import render_error  # pages import this module's helpers

    @app.exception_handler(AllianceFlowError)
    async def domain_error(request: Request, exc: AllianceFlowError) -> Response:
        status = STATUS.get(exc.code, 400)
        if _is_api(request):
            return JSONResponse(error_body(exc), status_code=status)
        return render_error(request, status, exc.message)

    @app.exception_handler(AccessError)
    async def access_error(request: Request, exc: AccessError) -> Response:
        status = STATUS[exc.code]
        headers = {}
        if isinstance(exc, Unauthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after)
        if _is_api(request):
            return JSONResponse(error_body(exc), status_code=status, headers=headers)
        if isinstance(exc, Unauthenticated):
            target = request.url.path
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return render_error(request, status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
            if loc and loc[0] in ("body", "query", "path"):
                loc = loc[1:]
            message = str(err.get("msg", "")).removeprefix("Value error, ")
            field = ".".join(loc)
            if not field and ": " in message:
                field, message = message.split(": ", 1)
            if err.get("type") == "extra_forbidden":
                message = _("unknown field")
            elif err.get("type") == "missing":
                message = _("required")
            problems.append({"field": field or "input", "problem": message})
        body = {
            "error": {
                "code": ErrorCode.INVALID_INPUT.value,
                "message": "; ".join(f"{p['field']}: {p['problem']}" for p in problems),
                "problems": problems,
            }
        }
        if not _is_api(request):
            return render_error(
                request, 422, "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
            )
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Unknown paths (404) and wrong methods (405): a page for people, JSON for scripts."""
        headers = getattr(exc, "headers", None)
        if _is_api(request):
            return JSONResponse(
                {
                    "error": {
                        "code": _HTTP_CODES.get(exc.status_code, "http_error"),
                        "message": str(exc.detail),
                    }
                },
                status_code=exc.status_code,
                headers=headers,
            )
        return render_error(request, exc.status_code, "", headers=headers)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """A bug answers a page (or JSON under /api), never a dropped connection."""
        if _is_api(request):
            return JSONResponse(
                {"error": {"code": "server_error", "message": "internal error"}}, status_code=500
            )
        return render_error(request, 500, "")
