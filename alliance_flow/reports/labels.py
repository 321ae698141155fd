"""Words for the codes a report shows, marked for translation (translated where shown)."""

from __future__ import annotations

from alliance_flow.reports.i18n import N_

STAGES: dict[str, str] = {
    "scope": N_("Scope"),
    "launch": N_("Launch"),
    "analysis": N_("Analysis"),
    "planning": N_("Planning"),
    "dissemination": N_("Dissemination"),
    "sustainability": N_("Sustainability"),
    "closed": N_("Closed"),
}

STAGE_STATES: dict[str, str] = {
    "done": N_("done"),
    "current": N_("current stage"),
    "todo": N_("to come"),
}

PLANNED_FROM: dict[str, str] = {
    "work_plan_start": N_("start of the work plan"),
    "initiation_workshop": N_("initiation workshop"),
    "first_plenary": N_("first plenary after the workshop"),
    "gap_workshop": N_("gap workshop"),
    "first_action": N_("first action of the plan"),
    "sustainability_deadline": N_("deadline for the sustainability plan"),
}

SECTORS: dict[str, str] = {
    "social_action": N_("Social action"),
    "socio_cultural_sports": N_("Socio-cultural & sports"),
    "economic_insertion": N_("Professional & economic insertion"),
    "none": N_("No sector recorded"),
}

GROUPS: dict[str, str] = {
    "migrant_refugee_community": N_("Migrant and refugee communities"),
    "public_authority": N_("Public authorities"),
    "community_network": N_("Community networks"),
    "ngo": N_("NGOs"),
    "mediator": N_("Mediators"),
    "social_worker": N_("Social workers"),
    "educator": N_("Educators"),
    "other": N_("Other"),
}

LEVELS: dict[str, str] = {
    "information": N_("Information"),
    "consultation": N_("Consultation"),
    "deciding_together": N_("Deciding together"),
    "acting_together": N_("Acting together"),
    "supporting_independent": N_("Supporting independent initiatives"),
    "not_recorded": N_("Not recorded"),
}

MEETING_KINDS: dict[str, str] = {
    "initiation_workshop": N_("Initiation workshop"),
    "plenary": N_("Plenary"),
    "workshop": N_("Workshop"),
}

MEETING_STATUSES: dict[str, str] = {
    "planned": N_("planned"),
    "held": N_("held"),
    "cancelled": N_("cancelled"),
}

ACTION_STATES: dict[str, str] = {
    "done": N_("Done"),
    "on_track": N_("On track"),
    "late": N_("Late"),
    "dropped": N_("Dropped"),
}

EVALUATION_KINDS: dict[str, str] = {
    "self_assessment": N_("Self-assessment (SWOT)"),
    "joint": N_("Joint evaluation"),
    "external": N_("External evaluation"),
}

PUBLICATION_KINDS: dict[str, str] = {
    "alliance_profile": N_("Alliance profile"),
    "research": N_("Research"),
    "action_plan": N_("Action plan"),
    "press": N_("Press"),
    "newsletter": N_("Newsletter"),
    "video": N_("Video"),
    "social_media": N_("Social media"),
    "other": N_("Other"),
}

AUDIENCES: dict[str, str] = {
    **GROUPS,
    "policy_makers": N_("Policy makers"),
    "media": N_("Media"),
    "general_public": N_("General public"),
    "funders": N_("Funders"),
}

DEADLINES: dict[str, str] = {
    "sustainability": N_("Sustainability plan and evaluation due"),
    "work_plan_end": N_("End of the work plan"),
    "action": N_("Action due"),
    "minutes_action": N_("Action agreed in a meeting due"),
    "meeting": N_("Meeting"),
}

MISSING: dict[str, str] = {
    "evaluation": N_("an evaluation"),
    "sustainability_plan": N_("the sustainability plan"),
}

PERIODS: dict[str, str] = {
    "whole": N_("Whole life of the alliance"),
    "since-last": N_("Since the last report"),
    "quarter": N_("Quarter"),
    "custom": N_("Chosen period"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The untranslated word for a code; unknown codes are shown as they are."""
    if code is None:
        return ""
    return table.get(code, code.replace("_", " "))


MOVEMENTS: dict[str, str] = {
    "joined": N_("joined"),
    "left": N_("left"),
}

#: The periods the browser offers.
PERIOD_CHOICES: dict[str, str] = {
    "whole": N_("Whole life of the alliance"),
    "since-last": N_("Since the last report"),
    "quarter": N_("This quarter"),
    "last-quarter": N_("Last quarter"),
}

PORTFOLIO = N_("Portfolio")
