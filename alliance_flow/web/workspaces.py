"""What each stage's workspace gathers: the pages where that stage's work is done.

One registry, like fix_links: add a section when you build a page for a stage. A section
shows only once the app has a route at its path and the viewer's role may open it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.web.i18n import N_, Translator
from alliance_flow.web.shell import route_paths


@dataclass(frozen=True)
class Section:
    path: str  # under /alliances/{slug}
    title: str
    description: str
    permission: Permission = Permission.VIEW_PEOPLE


SECTIONS: dict[str, list[Section]] = {
    "scope": [
        Section(
            "/edit",
            N_("The alliance"),
            N_("Its name, region, country, time zone, language, work plan dates and funders."),
            Permission.MANAGE,
        ),
        Section(
            "/organisations",
            N_("Stakeholders"),
            N_("The organisations you could invite, by sector, with their influence."),
        ),
        Section(
            "/briefing",
            N_("Briefing document"),
            N_("Why the alliance is set up, five reasons to join, what is asked of members."),
        ),
        Section(
            "/members",
            N_("Candidate representatives"),
            N_("The named people you will invite, how to reach them, and their authority."),
        ),
    ],
    "launch": [
        Section(
            "/launch",
            N_("Launch plan"),
            N_(
                "Rules and accountability, communication channels, and the plenaries on a timeline."
            ),
            Permission.VIEW,
        ),
        Section(
            "/meetings",
            N_("Meetings"),
            N_("The initiation workshop and the plenaries, with agenda, attendance and minutes."),
        ),
        Section(
            "/members",
            N_("Members and roles"),
            N_("Who joined, the chair and the secretary."),
        ),
    ],
    "analysis": [
        Section(
            "/analysis",
            N_("Sector profiles, research, consultations and gaps"),
            N_("What exists, what was read, who was consulted, and what is missing."),
        ),
        Section("/map", N_("Map of the organisations"), N_("Where each organisation works.")),
        Section(
            "/meetings",
            N_("Gaps workshop"),
            N_("A facilitated meeting; its minutes become gaps on the analysis page."),
        ),
    ],
    "planning": [
        Section(
            "/planning",
            N_("Vision and publications"),
            N_("The shared vision, then the research and the signed action plan made public."),
        ),
        Section(
            "/actions",
            N_("Action plan"),
            N_("SMART actions: objective, owner, partners, dates, budget, indicator, status."),
        ),
        Section("/charter", N_("Charter of engagement"), N_("Its versions, and who signed which.")),
    ],
    "dissemination": [
        Section(
            "/dissemination",
            N_("Communication plan, officer, publications and public profile"),
            N_(
                "Who you tell what, how and how often; the press officer; what you published; "
                "the alliance's public page."
            ),
        ),
        Section("/members", N_("Members and roles"), N_("The communications officer.")),
    ],
    "sustainability": [
        Section(
            "/evaluations",
            N_("Evaluations"),
            N_(
                "The SWOT in four quadrants, joint interviews, an external evaluator's report, "
                "and how often to evaluate."
            ),
        ),
        Section(
            "/sustainability",
            N_("Sustainability plan and decision"),
            N_("The six-month countdown, the plan for continuing, then close or renew."),
            Permission.VIEW,
        ),
    ],
}


def sections_for(
    request: Request, viewer: Viewer, alliance_id: int, slug: str, stage: str, tr: Translator
) -> list[dict[str, str]]:
    paths = route_paths(request)
    out = []
    for s in SECTIONS.get(stage, []):
        if f"/alliances/{{ref}}{s.path}" in paths and viewer.may(s.permission, alliance_id):
            out.append(
                {
                    "url": f"/alliances/{slug}{s.path}",
                    "title": tr.gettext(s.title),
                    "description": tr.gettext(s.description),
                }
            )
    return out
