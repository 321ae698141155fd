"""Words shown for the domain's codes (stages, roles, events), marked for translation."""

from __future__ import annotations

from alliance_flow.web.i18n import N_

STAGES: dict[str, str] = {
    "scope": N_("Scope"),
    "launch": N_("Launch"),
    "analysis": N_("Analysis"),
    "planning": N_("Planning"),
    "dissemination": N_("Dissemination"),
    "sustainability": N_("Sustainability"),
    "closed": N_("Closed"),
}

ROLES: dict[str, str] = {
    "coordinator": N_("Coordinator"),
    "member": N_("Member"),
    "funder": N_("Funder"),
    "admin": N_("Administrator"),
}

EVENTS: dict[str, str] = {
    "created": N_("Created"),
    "advanced": N_("Advanced"),
    "moved_back": N_("Moved back"),
    "waived": N_("Check waived"),
    "renewed": N_("Mandate renewed"),
}

ACTION_STATUSES: dict[str, str] = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}

#: Outbox statuses as coordinators read them.
OUTBOX_STATUSES = {
    "pending": N_("Waiting to be sent"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}

MEMBER_ROLES: dict[str, str] = {
    "chair": N_("Chair"),
    "secretary": N_("Secretary"),
    "communications_officer": N_("Communications officer"),
}

MEETING_KINDS: dict[str, str] = {
    "initiation_workshop": N_("Initiation workshop"),
    "plenary": N_("Plenary meeting"),
    "workshop": N_("Working group"),
}

MEETING_STATUSES: dict[str, str] = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}

STAKEHOLDER_GROUPS: dict[str, str] = {
    "migrant_refugee_community": N_("Migrant or refugee community"),
    "public_authority": N_("Public authority"),
    "community_network": N_("Community network or organisation"),
    "ngo": N_("NGO (reception, socio-cultural inclusion)"),
    "mediator": N_("Mediator"),
    "social_worker": N_("Social worker"),
    "educator": N_("Educator"),
    "other": N_("Other"),
}

SECTORS: dict[str, str] = {
    "social_action": N_("Social action"),
    "socio_cultural_sports": N_("Socio-cultural and sports structures"),
    "economic_insertion": N_("Professional and economic insertion"),
}

PARTICIPATION_LEVELS: dict[str, str] = {
    "information": N_("Information"),
    "consultation": N_("Consultation"),
    "deciding_together": N_("Deciding together"),
    "acting_together": N_("Acting together"),
    "supporting_independent": N_("Supporting independent community initiatives"),
}
