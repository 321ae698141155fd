"""Where each gate check is fixed: check code -> the page and the place on it (one registry).

A failing check on a workspace links to the exact form that fixes it, opened at the right
field. Add your page's checks here when you build it; a link shows only once the app has a
route at its path (so an entry for a page still being written never leads to a 404) and only
to a viewer whose role may use that page. A check without a usable link shows the translated
`INTERIM` text instead, never its code.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.web.i18n import N_
from alliance_flow.web.shell import route_paths


@dataclass(frozen=True)
class FixLink:
    #: the page, under /alliances/{slug} (e.g. "/edit"); "" is the alliance page
    path: str
    #: the element to open at: a field id (f-<field>), a section id, or "" for the top
    anchor: str = ""
    #: who may use that page; others see the check without a link
    permission: Permission = Permission.MANAGE
    #: query string that opens the right item (without "?"), if the page needs one
    query: str = ""

    def url(self, slug: str) -> str:
        query = f"?{self.query}" if self.query else ""
        anchor = f"#{self.anchor}" if self.anchor else ""
        return f"/alliances/{slug}{self.path}{query}{anchor}"


FIX_LINKS: dict[str, FixLink] = {
    # scope: the alliance itself (alliance_edit.py), the briefing and stakeholders
    # (stakeholders.py), the candidate representatives (members.py)
    "scope.region_defined": FixLink("/edit", "f-region"),
    "scope.briefing_complete": FixLink("/briefing", "b-why"),
    "scope.briefing_reasons": FixLink("/briefing", "b-reasons"),
    "scope.sectors_spanned": FixLink("/organisations", "add-org"),
    "scope.enough_candidates": FixLink("/members", "add-member"),
    "scope.migrant_communities_included": FixLink("/members", "m-group"),
    "scope.contacts_complete": FixLink("/members", "member-list", Permission.VIEW_PEOPLE),
    "scope.authority_checked": FixLink("/members", "member-list", Permission.VIEW_PEOPLE),
    # launch: meetings and the launch plan (meetings.py), members and their roles (members.py)
    "launch.initiation_workshop": FixLink("/meetings", "add", query="kind=initiation_workshop"),
    "launch.plenaries_planned": FixLink("/launch", "plenaries"),
    "launch.accountability_stated": FixLink("/launch", "r-accountable"),
    "launch.channels_chosen": FixLink("/launch", "c-communication-channels"),
    "launch.chair_and_secretary": FixLink("/members", "roles"),
    "launch.membership_size": FixLink("/members", "member-list", Permission.VIEW_PEOPLE),
    # later stages, where a page of an earlier stage already fixes them
    "analysis.sector_profiled": FixLink("/analysis", "profiles-programme"),
    "analysis.secondary_research": FixLink("/analysis", "research-title"),
    "analysis.consultations": FixLink("/analysis", "consultations-interviewee"),
    "analysis.organisations_mapped": FixLink("/map", "unmapped"),
    "analysis.gaps_identified": FixLink("/analysis", "gaps"),
    # planning: vision and publications, the action plan, the charter (planning.py)
    "planning.research_published": FixLink("/planning", "publish-title"),
    "planning.vision_agreed": FixLink("/planning", "vision-vision"),
    "planning.action_plan_complete": FixLink("/actions", "action-plan", Permission.VIEW_PEOPLE),
    "planning.charter_signed": FixLink("/charter", "signatures", Permission.VIEW_PEOPLE),
    "planning.plan_published": FixLink("/planning", "publish-title"),
    # dissemination: the communication plan, the officer, the public profile (dissemination.py)
    "dissemination.communication_plan": FixLink("/dissemination", "plan-audience"),
    "dissemination.communications_officer": FixLink(
        "/dissemination", "officer-communications-officer"
    ),
    "dissemination.profile_published": FixLink("/dissemination", "profile-parts"),
    # sustainability: evaluations, the plan and the decision (sustainability.py)
    "sustainability.evaluation_on_time": FixLink("/evaluations", "add"),
    "sustainability.plan_on_time": FixLink("/sustainability", "plan-summary"),
    "sustainability.decision_made": FixLink("/sustainability", "decision-decision"),
}

#: Shown for a check whose page is not built yet (stages 3-6 until their workspaces exist).
INTERIM = N_(
    "This cannot be recorded in the dashboard yet: its page is being built. "
    "Until then, ask your administrator to record it for you."
)


def fix_url(request: Request, viewer: Viewer, alliance_id: int, slug: str, code: str) -> str | None:
    """The URL that fixes `code` for this viewer, or None (no page yet, or not theirs to use)."""
    link = FIX_LINKS.get(code)
    if link is None or f"/alliances/{{ref}}{link.path}".rstrip("/") not in route_paths(request):
        return None
    if not viewer.may(link.permission, alliance_id):
        return None
    return link.url(slug)
