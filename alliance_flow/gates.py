"""Gate checks: pure functions over an alliance's facts that say what failed, why and what to do."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from alliance_flow.frozen import quick
from alliance_flow.i18n import _, collation_key, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage

if TYPE_CHECKING:
    from alliance_flow.facts import AllianceFacts


#: A reason or a fix: its text, or how to write it when someone reads it.
Text = str | Callable[[], str]
#: What a check function returns: passed, the reason and the fix (texts or how to write them).
Verdict = tuple[bool, Text, Text]


def written(text: Text) -> str:
    """A text, or what a `lambda:` writes."""
    return text if isinstance(text, str) else text()


class CheckResult:
    """One check's verdict; its title, reason and fix are written when first read.

    Checking thousands of alliances (the portfolio, the list, the reminders' "ready to advance")
    needs only pass/fail, and a verdicts-only read does not even have the rows a reason names.
    The texts are written in the context the check ran in (`contextvars`): the reader's
    language, and names withheld from funders (`counts_only`), exactly as if written at once.
    """

    __slots__ = ("_context", "_fix", "_reason", "_title", "_written", "area", "code", "passed")

    def __init__(
        self,
        code: str,
        title: Text,
        passed: bool,
        reason: Text,
        fix: Text,
        area: str,
        context: contextvars.Context | None = None,
    ) -> None:
        self.code = code
        self.passed = passed
        #: where in the product this check is fixed (members, charter, meetings...)
        self.area = area
        self._title = title
        self._reason = reason
        self._fix = fix
        self._context = context
        self._written: tuple[str, str] | None = None

    def _in_context(self, write: Callable[[], Any]) -> Any:
        return write() if self._context is None else self._context.run(write)

    def _write(self) -> tuple[str, str]:
        """The reason and the fix."""
        return written(self._reason), "" if self.passed else written(self._fix)

    def _texts(self) -> tuple[str, str]:
        texts = self._written
        if texts is None:
            texts = self._written = self._in_context(self._write)
        return texts

    @property
    def title(self) -> str:
        title = self._title
        if not isinstance(title, str):
            title = self._title = self._in_context(title)
        return title

    @property
    def reason(self) -> str:
        return self._texts()[0]

    @property
    def fix(self) -> str:
        return self._texts()[1]

    def _key(self) -> tuple[str, str, bool, str, str, str]:
        return (self.code, self.title, self.passed, self.reason, self.fix, self.area)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckResult) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"CheckResult(code={self.code!r}, title={self.title!r}, passed={self.passed!r}, "
            f"reason={self.reason!r}, fix={self.fix!r}, area={self.area!r})"
        )


#: A reason or fix that _Checked writes by running its check again.
_UNWRITTEN: Any = object()


class _Checked(CheckResult):
    """A result `evaluate` made: to write its texts, its check runs again on the same facts.

    Keeping the check's `lambda:`s instead kept two closures alive per check: tens of thousands
    of objects when checking every alliance, which the collector then walked again and again
    (half the time of checking 10,000 alliances went to collections).
    """

    __slots__ = ("_check", "_facts", "_limits", "_today")

    def __init__(
        self,
        check: Check,
        facts: AllianceFacts,
        limits: Thresholds,
        today: date,
        passed: bool,
        context: contextvars.Context,
    ) -> None:
        # The title is written as any result's is; the reason and the fix by _write below.
        super().__init__(
            check.code, self._translated_title, passed, _UNWRITTEN, _UNWRITTEN, check.area, context
        )
        self._check = check
        self._facts = facts
        self._limits = limits
        self._today = today

    def _translated_title(self) -> str:
        return _(self._check.title)

    def _write(self) -> tuple[str, str]:
        _passed, reason, fix = self._check.fn(self._facts, self._limits, self._today)
        return written(reason), "" if self.passed else written(fix)


@quick
@dataclass(frozen=True)
class Waiver:
    code: str
    stage: str
    reason: str
    actor: str
    at: datetime


class CheckOutcome:
    """A check's result together with the waiver that covers it, if any.

    Its state is worked out once (read for every check of thousands of alliances); the result
    with its texts is made when first asked for (`evaluate`'s outcomes keep what it takes).
    """

    __slots__ = ("_made", "_recipe", "blocks", "code", "passed", "waived", "waiver")

    def __init__(self, result: CheckResult, waiver: Waiver | None = None) -> None:
        self._made: CheckResult | None = result
        self._recipe: tuple[Any, ...] | None = None
        self._decided(result.code, result.passed, waiver)

    def _decided(self, code: str, passed: bool, waiver: Waiver | None) -> None:
        self.code = code
        self.passed = passed
        self.waiver = waiver
        self.waived = not passed and waiver is not None
        self.blocks = not passed and waiver is None

    @classmethod
    def checked(
        cls, check: Check, passed: bool, waiver: Waiver | None, recipe: tuple[Any, ...]
    ) -> CheckOutcome:
        """An outcome of `evaluate`: `recipe` is (facts, limits, today, context)."""
        outcome = cls.__new__(cls)
        outcome._made = None
        outcome._recipe = (check, *recipe)
        outcome._decided(check.code, passed, waiver)
        return outcome

    @property
    def result(self) -> CheckResult:
        made = self._made
        if made is None:
            assert self._recipe is not None
            check, facts, limits, today, context = self._recipe
            made = self._made = _Checked(check, facts, limits, today, self.passed, context)
        return made

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CheckOutcome)
            and self.result == other.result
            and self.waiver == other.waiver
        )

    def __hash__(self) -> int:
        return hash((self.result, self.waiver))

    def __repr__(self) -> str:
        return f"CheckOutcome(result={self.result!r}, waiver={self.waiver!r})"

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "code": r.code,
            "title": r.title,
            "passed": r.passed,
            "reason": r.reason,
            "fix": r.fix,
            "area": r.area,
            "waived": self.waived,
            "waiver": None
            if self.waiver is None
            else {
                "reason": self.waiver.reason,
                "actor": self.waiver.actor,
                "at": self.waiver.at.isoformat(),
            },
        }


@quick
@dataclass(frozen=True)
class GateReport:
    stage: str
    outcomes: tuple[CheckOutcome, ...]

    @property
    def clear(self) -> bool:
        return all(not o.blocks for o in self.outcomes)

    @property
    def blocking(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.blocks]

    @property
    def passed_count(self) -> int:
        return sum(1 for o in self.outcomes if o.passed)

    def get(self, code: str) -> CheckOutcome | None:
        return next((o for o in self.outcomes if o.code == code), None)

    def as_list(self) -> list[dict[str, Any]]:
        return [o.as_dict() for o in self.outcomes]


CheckFn = Callable[["AllianceFacts", Thresholds, date], CheckResult]


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    area: str
    fn: Callable[..., Verdict]


@dataclass
class StageChecks:
    """The exit checks one stage module declares, in the order a coordinator should read them."""

    stage: Stage
    checks: list[Check] = field(default_factory=list)

    def check(self, code: str, *, title: str, area: str) -> Callable[[Callable[..., Any]], Any]:
        full_code = f"{self.stage.value}.{code}"

        def register(fn: Callable[..., Verdict]) -> Callable[..., Any]:
            self.checks.append(Check(full_code, title, area, fn))
            return fn

        return register


def evaluate(
    checks: StageChecks,
    facts: AllianceFacts,
    limits: Thresholds,
    today: date,
    waivers: Iterable[Waiver] = (),
    context: contextvars.Context | None = None,
) -> GateReport:
    """Run every exit check of a stage; a waiver only covers the check (and stage) it names.

    The texts are written, when read, in `context` (by default a copy of the current one: a
    batch of alliances checked in one language can share one)."""
    stage = checks.stage.value
    by_code = {w.code: w for w in waivers if w.stage == stage} if waivers else {}
    # What writing a result's texts later takes, the language and withholding included.
    recipe = (facts, limits, today, context or contextvars.copy_context())
    checked = CheckOutcome.checked
    outcomes = []
    for check in checks.checks:
        passed = check.fn(facts, limits, today)[0]
        outcomes.append(checked(check, passed, None if passed else by_code.get(check.code), recipe))
    return GateReport(stage, tuple(outcomes))


_people_hidden: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "people_hidden", default=False
)


@contextmanager
def counts_only() -> Iterator[None]:
    """Checks evaluated inside say how many people, never who (for funders and their reports)."""
    token = _people_hidden.set(True)
    try:
        yield
    finally:
        _people_hidden.reset(token)


def hide_people() -> None:
    """From here on in this request, checks say how many people, never who (funders)."""
    _people_hidden.set(True)


def who(items: Iterable[str], limit: int = 6) -> str:
    """The people a reason is about: their names, or only how many when names are hidden."""
    items = list(items)
    if _people_hidden.get():
        return ngettext("{count} person", "{count} people", len(items)).format(count=len(items))
    return names(items, limit)


def names(items: Iterable[str], limit: int = 6) -> str:
    """'Ana, Bo and 3 more': lists people, in the reader's alphabetical order, without flooding."""
    items = sorted(items, key=collation_key)
    if len(items) <= limit:
        return ", ".join(items)
    return ngettext(
        "{names} and {count} more", "{names} and {count} more", len(items) - limit
    ).format(names=", ".join(items[:limit]), count=len(items) - limit)


def ok(reason: Text) -> Verdict:
    """Passed; `reason` is best a `lambda:` so that it is written only if someone reads it."""
    return True, reason, ""


def fail(reason: Text, fix: Text) -> Verdict:
    """Failed; `reason` and `fix` are best `lambda:`s, written only if someone reads them."""
    return False, reason, fix
