"""Stage 5, disseminate (Diffusion).

Tie a communication strategy to the alliance's actions: a communications (press) officer, a
communication plan for each stakeholder group and for policy makers, and a short public profile
of the alliance. Exit when the plan reaches every group, the officer is named and the profile is
published.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import PublicationKind, Role, Stage, StakeholderGroup

checks = StageChecks(Stage.DISSEMINATION)


@checks.check(
    "communication_plan", title="Communication plan reaches every group", area="communication"
)
def communication_plan(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    groups = {p.group for p in f.active_members(today) if p.group} - {StakeholderGroup.OTHER}
    required = sorted(groups | set(t.dissemination.required_audiences))
    missing = [g for g in required if g not in f.communication_audiences]
    if not f.communication_audiences:
        return fail(
            "The alliance has no communication plan yet.",
            "Write the communication plan: for each stakeholder group, the objectives, the "
            "message, how and where it is delivered, and how often.",
        )
    if missing:
        return fail(
            "The communication plan does not reach: "
            + ", ".join(g.replace("_", " ") for g in missing)
            + ".",
            "Add a row to the communication plan for each group it does not reach yet.",
        )
    return ok(f"The communication plan reaches all {len(required)} groups.")


@checks.check("communications_officer", title="Communications officer named", area="members")
def communications_officer(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    officers = [p for p in f.active_members(today) if Role.COMMUNICATIONS_OFFICER in p.roles]
    if not officers:
        return fail(
            "No active member is the communications (press) officer.",
            "Give one member the role of communications officer.",
        )
    return ok(f"Communications officer: {officers[0].label}.")


@checks.check("profile_published", title="Alliance profile published", area="publications")
def profile_published(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if PublicationKind.ALLIANCE_PROFILE not in f.publications:
        return fail(
            "The alliance's public profile has not been published.",
            "Publish a short profile of the alliance on a website and record its address.",
        )
    return ok("The alliance profile is published.")
