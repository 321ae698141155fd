"""Domain errors with stable codes that every adapter (CLI, API) maps to its own answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance_flow.gates import GateReport


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    GATE_BLOCKED = "gate_blocked"
    INVALID_TRANSITION = "invalid_transition"
    CONFLICT = "conflict"
    IMPORT_REJECTED = "import_rejected"


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field; `line` is set for file imports."""

    field: str
    problem: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.problem}"


class AllianceFlowError(Exception):
    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AllianceFlowError):
    code = ErrorCode.NOT_FOUND


class Conflict(AllianceFlowError):
    code = ErrorCode.CONFLICT


class InvalidTransition(AllianceFlowError):
    code = ErrorCode.INVALID_TRANSITION


class InvalidInput(AllianceFlowError):
    code = ErrorCode.INVALID_INPUT

    def __init__(self, problems: list[FieldProblem], message: str | None = None) -> None:
        self.problems = problems
        super().__init__(message or "; ".join(str(p) for p in problems))


class ImportRejected(InvalidInput):
    code = ErrorCode.IMPORT_REJECTED


class GateBlocked(AllianceFlowError):
    code = ErrorCode.GATE_BLOCKED

    def __init__(self, report: GateReport) -> None:
        self.report = report
        failing = ", ".join(o.code for o in report.blocking)
        super().__init__(f"cannot leave {report.stage}: checks not passed: {failing}")
