"""What the page shell (base.html) shows around every page: the alliance, its menu, languages."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.web.i18n import N_, Translator, language_name, languages

#: The alliance menu: (key, path under /alliances/{slug}, label, permission). An entry shows
#: only when the app has a page at that path (pages other helpers add appear by themselves)
#: and the viewer's role allows it.
ALLIANCE_MENU: tuple[tuple[str, str, str, Permission], ...] = (
    ("overview", "", N_("Overview"), Permission.VIEW),
    ("members", "/members", N_("Members"), Permission.VIEW_PEOPLE),
    ("organisations", "/organisations", N_("Stakeholders"), Permission.VIEW_PEOPLE),
    ("meetings", "/meetings", N_("Meetings"), Permission.VIEW_PEOPLE),
    ("actions", "/actions", N_("Action plan"), Permission.VIEW_PEOPLE),
    ("charter", "/charter", N_("Charter"), Permission.VIEW_PEOPLE),
    ("me", "/me", N_("My part"), Permission.OWN_ITEMS),
    ("outbox", "/outbox", N_("Notifications"), Permission.MANAGE),
    ("report", "/report", N_("Progress report"), Permission.VIEW),
    ("print", "/print", N_("Documents to print"), Permission.VIEW),
    ("edit", "/edit", N_("Alliance details"), Permission.MANAGE),
)


def route_paths(request: Request) -> set[str]:
    """The path templates the app answers (e.g. "/alliances/{ref}/members"), computed once."""
    cached = getattr(request.app.state, "route_paths", None)
    if cached is None:
        cached = set()
        for route in request.app.routes:
            contexts = getattr(route, "effective_route_contexts", None)
            if contexts is not None:  # FastAPI >= 0.150 keeps an included router as one entry
                cached.update(c.path for c in contexts())
            else:
                cached.add(getattr(route, "path", ""))
        request.app.state.route_paths = cached
    return cached


def _current(request: Request, slug: str | None) -> str:
    path = request.url.path
    if path == "/":
        return "portfolio"
    if path.startswith("/admin/"):
        return "users"
    if path.startswith("/account"):
        return "account"
    if slug and path.startswith(f"/alliances/{slug}"):
        rest = path.removeprefix(f"/alliances/{slug}").strip("/")
        return rest.split("/")[0] if rest else "overview"
    return ""


def _capital(name: str) -> str:
    """ "français" -> "Français": a language names itself as a menu item, capitalised."""
    return name[:1].upper() + name[1:]


def shell_context(
    request: Request, viewer: Viewer | None, tr: Translator, context: dict[str, Any]
) -> dict[str, Any]:
    alliance = context.get("alliance")
    if not isinstance(alliance, m.Alliance) or viewer is None or not viewer.sees(alliance.id):
        alliance = None
    menu = []
    if alliance is not None:
        paths = route_paths(request)
        for key, sub, label, permission in ALLIANCE_MENU:
            if (
                f"/alliances/{{ref}}{sub}" in paths
                and viewer
                and viewer.may(permission, alliance.id)
            ):
                menu.append((key, f"/alliances/{alliance.slug}{sub}", tr.gettext(label)))
    query = f"?{request.url.query}" if request.url.query else ""
    return {
        "shell_alliance": alliance,
        "shell_role": viewer.role_on(alliance.id) if alliance is not None and viewer else None,
        "alliance_nav": menu,
        "nav_current": _current(request, alliance.slug if alliance is not None else None),
        "here": request.url.path + query,
        "language_choices": [(code, _capital(language_name(code))) for code in languages()],
    }
