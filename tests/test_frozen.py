"""frozen.quick: the faster __init__ keeps every promise of the frozen dataclass it replaces."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from alliance_flow.facts import AllianceFacts, PersonFacts
from alliance_flow.frozen import quick


@quick
@dataclass(frozen=True)
class Sample:
    a: int
    b: str = "b"
    c: dict[str, int] = field(default_factory=dict, compare=False)


@quick
@dataclass(frozen=True, slots=True)
class Slotted:
    a: int
    b: str = "b"
    c: dict[str, int] = field(default_factory=dict, compare=False)


@pytest.mark.parametrize("record", [Sample, Slotted])
def test_defaults_factories_and_keywords_as_the_dataclass_gives_them(record: type) -> None:
    # given / when
    one, two = record(1), record(a=2, b="x", c={"k": 1})
    # then
    assert (one.a, one.b, one.c) == (1, "b", {})
    assert (two.a, two.b, two.c) == (2, "x", {"k": 1})
    assert record(1).c is not record(1).c  # a fresh dict each time, as default_factory promises
    assert record(1, "b", {"x": 1}) == one  # compare=False is still honoured
    assert hash(record(1)) == hash(one)
    assert repr(one) == f"{record.__name__}(a=1, b='b', c={{}})"


@pytest.mark.parametrize("record", [Sample, Slotted])
def test_still_frozen_and_replace_still_works(record: type) -> None:
    one = record(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.a = 2
    assert dataclasses.replace(one, b="z") == record(1, "z")


def test_a_slotted_record_has_no_dict() -> None:
    assert hasattr(Sample(1), "__dict__") and not hasattr(Slotted(1), "__dict__")


def test_missing_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        Sample()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Sample(1, d=3)  # type: ignore[call-arg]


def test_only_frozen_dataclasses_are_accepted() -> None:
    @dataclass
    class Plain:
        a: int

    with pytest.raises(TypeError):
        quick(Plain)


def test_the_read_models_records_are_quick_and_keep_their_fields() -> None:
    person = PersonFacts(
        1, "Ana", None, None, frozenset(), True, "yes", None, None, None, frozenset()
    )
    assert person.language is None and person.contact_withdrawn is False
    assert not hasattr(person, "__dict__")  # thousands per read: slots, no dict each
    facts = AllianceFacts(id=1, slug="s", name="n", stage="scope")
    assert facts.agenda == {} and facts.agenda is not AllianceFacts(1, "s", "n", "scope").agenda
    assert [f.name for f in dataclasses.fields(AllianceFacts)][:4] == [
        "id",
        "slug",
        "name",
        "stage",
    ]
