"""The roles a user may hold on one alliance (no database here: the CLI's help lists them)."""

from __future__ import annotations

from enum import StrEnum


class AllianceRole(StrEnum):
    """What a user may do on one alliance."""

    COORDINATOR = "coordinator"  # everything on that alliance
    MEMBER = "member"  # reads, including the people and organisations
    FUNDER = "funder"  # read-only view of progress
