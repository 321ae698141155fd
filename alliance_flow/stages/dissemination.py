"""Stage 5, disseminate (Diffusion).

Tie a communication strategy to the alliance's actions: a communications (press) officer, a
communication plan for each stakeholder group and for policy makers, and a short public profile
of the alliance. Exit when the plan reaches every group, the officer is named and the profile is
published.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, Verdict, fail, ok
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Audience, PublicationKind, Role, Stage, StakeholderGroup

checks = StageChecks(Stage.DISSEMINATION)

AUDIENCE_LABELS = {
    Audience.MIGRANT_REFUGEE_COMMUNITY: N_("migrant and refugee communities"),
    Audience.PUBLIC_AUTHORITY: N_("public authorities"),
    Audience.COMMUNITY_NETWORK: N_("community networks"),
    Audience.NGO: N_("NGOs"),
    Audience.MEDIATOR: N_("mediators"),
    Audience.SOCIAL_WORKER: N_("social workers"),
    Audience.EDUCATOR: N_("educators"),
    Audience.OTHER: N_("others"),
    Audience.POLICY_MAKERS: N_("policy makers"),
    Audience.MEDIA: N_("the media"),
    Audience.GENERAL_PUBLIC: N_("the general public"),
    Audience.FUNDERS: N_("funders"),
}


def audience_label(code: str) -> str:
    try:
        return _(AUDIENCE_LABELS[Audience(code)])
    except ValueError:
        return code


def required_audiences(f: AllianceFacts, t: Thresholds, today: date) -> list[str]:
    """Who the plan must reach: every group the active members come from, and the audiences
    the lifecycle settings require (policy makers)."""
    groups = f.measures_on(today).active_groups - {StakeholderGroup.OTHER}
    return sorted(groups | set(t.dissemination.required_audiences))


def unreached_audiences(f: AllianceFacts, t: Thresholds, today: date) -> list[str]:
    """The required audiences no row of the communication plan reaches yet."""
    return [g for g in required_audiences(f, t, today) if g not in f.communication_audiences]


@checks.check(
    "communication_plan", title=N_("Communication plan reaches every group"), area="communication"
)
def communication_plan(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    required = required_audiences(f, t, today)
    if not f.communication_audiences:
        return fail(
            lambda: _(
                "The alliance has no communication plan yet; it must reach: {groups}."
            ).format(groups=", ".join(audience_label(g) for g in required)),
            lambda: _(
                "Write the communication plan: for each stakeholder group, the objectives, the "
                "message, how and where it is delivered, and how often."
            ),
        )
    missing = unreached_audiences(f, t, today)
    if missing:
        return fail(
            lambda: _("The communication plan does not reach: {groups}.").format(
                groups=", ".join(audience_label(g) for g in missing)
            ),
            lambda: _("Add a row to the communication plan for each group it does not reach yet."),
        )
    return ok(
        lambda: ngettext(
            "The communication plan reaches the {count} group.",
            "The communication plan reaches all {count} groups.",
            len(required),
        ).format(count=len(required))
    )


@checks.check("communications_officer", title=N_("Communications officer named"), area="members")
def communications_officer(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if not f.measures_on(today).active_officers:
        return fail(
            lambda: _("No active member is the communications (press) officer."),
            lambda: _("Give one member the role of communications officer."),
        )
    return ok(
        lambda: _("Communications officer: {name}.").format(
            name=next(
                p.label for p in f.active_members(today) if Role.COMMUNICATIONS_OFFICER in p.roles
            )
        )
    )


@checks.check("profile_published", title=N_("Alliance profile published"), area="publications")
def profile_published(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if PublicationKind.ALLIANCE_PROFILE not in f.publications:
        return fail(
            lambda: _("The alliance's public profile has not been published."),
            lambda: _(
                "Choose what the alliance's public profile shows and publish it, or record the "
                "address of a profile published on another website."
            ),
        )
    return ok(lambda: _("The alliance profile is published."))
