"""Stage 4, identify and plan (Identification et planification).

Publish the research, agree a shared vision, plan the actions (what, who, when, resources,
obstacles and how to overcome them, collaborators, budget; SMART objectives), then publish and
sign the regional action plan while every member signs the charter of engagement. Exit when the
vision is agreed, the research and the plan are published, every action is complete and every
active member has signed the current charter.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import ActionFacts, AllianceFacts
from alliance_flow.gates import StageChecks, fail, names, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import ActionStatus, PublicationKind, Stage

checks = StageChecks(Stage.PLANNING)


@checks.check("research_published", title="Research published", area="publications")
def research_published(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if PublicationKind.RESEARCH not in f.publications:
        return fail(
            "The results of the analysis have not been published.",
            "Publish the research in an accessible format and record the publication.",
        )
    return ok("The research is published.")


@checks.check("vision_agreed", title="Shared vision agreed", area="alliance")
def vision_agreed(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not (f.vision and f.vision.strip()):
        return fail(
            "The alliance has not written its shared vision.",
            "Write the vision with the members and record the date they agreed it.",
        )
    if f.vision_agreed_on is None or f.vision_agreed_on > today:
        return fail(
            "The vision is written but not yet agreed by the members.",
            "Record the date the members agreed the vision.",
        )
    return ok(f"Vision agreed on {f.vision_agreed_on}.")


def missing_parts(a: ActionFacts) -> list[str]:
    """What the guide's six planning parts still lack for one action."""
    parts = {
        "owner": a.owner,
        "start date": a.starts_on,
        "end date": a.ends_on,
        "resources": a.resources,
        "obstacles": a.obstacles,
        "plan to overcome obstacles": a.obstacle_plan,
        "collaborators": a.collaborators,
        "budget": a.estimated_budget,
    }
    return [
        label for label, v in parts.items() if v is None or (isinstance(v, str) and not v.strip())
    ]


@checks.check("action_plan_complete", title="Action plan complete", area="action_plan")
def action_plan_complete(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    items = [a for a in f.action_plan if a.status != ActionStatus.DROPPED]
    if not items:
        return fail("The action plan has no action yet.", "Add the priority actions.")
    incomplete = [(a, missing_parts(a)) for a in items]
    incomplete = [(a, gaps) for a, gaps in incomplete if gaps]
    if incomplete:
        detail = "; ".join(
            f"#{a.number} {a.action}: {', '.join(gaps)}" for a, gaps in incomplete[:5]
        )
        more = f" (and {len(incomplete) - 5} more)" if len(incomplete) > 5 else ""
        return fail(
            f"{len(incomplete)} of {len(items)} actions are incomplete. Missing — {detail}{more}.",
            "Complete each action: owner, dates, resources, obstacles and how to overcome them, "
            "collaborators and budget.",
        )
    return ok(f"All {len(items)} actions are complete.")


@checks.check("charter_signed", title="Charter signed by every member", area="charter")
def charter_signed(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if f.charter is None:
        return fail(
            "The alliance has no charter of engagement yet.",
            "Adopt the charter of engagement and ask every member to sign it.",
        )
    members = f.active_members(today)
    unsigned = [p.name for p in members if p.id not in f.charter.signed_by]
    if unsigned:
        return fail(
            f"{len(unsigned)} of {len(members)} members have not signed charter "
            f"v{f.charter.version}: {names(unsigned)}.",
            f"Ask them to sign charter v{f.charter.version}, then record each signature.",
        )
    if not members:
        return fail("The alliance has no active member to sign the charter.", "Add members.")
    return ok(f"All {len(members)} active members signed charter v{f.charter.version}.")


@checks.check("plan_published", title="Action plan published and signed", area="publications")
def plan_published(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if PublicationKind.ACTION_PLAN not in f.publications:
        return fail(
            "The regional action plan has not been published.",
            "Publish the signed regional action plan and record the publication.",
        )
    return ok("The regional action plan is published.")
