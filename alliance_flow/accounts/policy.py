"""Who may do what: the one place the dashboard and the API ask before calling a service."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from alliance_flow.accounts.models import AllianceRole


class Permission(StrEnum):
    VIEW = "view"  # stage, checks, history: every role
    VIEW_PEOPLE = "view_people"  # members and organisations: not funders
    MANAGE = "manage"  # advance, waive, move back, add members and organisations
    OWN_ITEMS = "own_items"  # sign the charter, update the action items one owns


ALLOWED: dict[Permission, frozenset[str]] = {
    Permission.VIEW: frozenset(AllianceRole),
    Permission.VIEW_PEOPLE: frozenset({AllianceRole.COORDINATOR, AllianceRole.MEMBER}),
    Permission.MANAGE: frozenset({AllianceRole.COORDINATOR}),
    Permission.OWN_ITEMS: frozenset({AllianceRole.COORDINATOR, AllianceRole.MEMBER}),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and their roles, resolved once per request."""

    user_id: int
    login: str
    name: str
    is_admin: bool
    language: str | None
    roles: dict[int, str] = field(default_factory=dict)
    #: alliance id -> the Member row this user speaks for there
    members: dict[int, int] = field(default_factory=dict)

    def role_on(self, alliance_id: int) -> str | None:
        if self.is_admin:
            return AllianceRole.COORDINATOR
        return self.roles.get(alliance_id)

    def member_on(self, alliance_id: int) -> int | None:
        """Who the user is among the alliance's members (None: not linked to any)."""
        return self.members.get(alliance_id)

    def sees(self, alliance_id: int) -> bool:
        """Nobody learns an alliance exists unless they have a role on it."""
        return self.role_on(alliance_id) is not None

    def may(self, permission: Permission, alliance_id: int) -> bool:
        role = self.role_on(alliance_id)
        return role is not None and role in ALLOWED[permission]

    @property
    def may_create_alliance(self) -> bool:
        """Admins, and coordinators (who become coordinator of what they create)."""
        return self.is_admin or AllianceRole.COORDINATOR in self.roles.values()

    @property
    def author(self) -> str:
        """How this user is named in the history of what they did."""
        return self.name
