"""ModerationDecision v1 (id 5) and v2 (id 8) in production: each side reads what the other wrote."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest
from pydantic import ValidationError

from schemas import Event, ModerationAction, ModerationDecision, Subject, decode, default_registry, encode, to_avro
from schemas.examples import example
from schemas.models import Array, Id, UtcDatetime
from tests.schemas import avro_ref

NEW_FIELDS = ("content_hash", "fingerprint")


class ModerationDecisionV1(Event):
    """The v1 model as a consumer or producer not yet upgraded still ships it."""

    SUBJECT: ClassVar[str] = "modstream.ModerationDecision"
    SCHEMA_VERSION: ClassVar[int] = 1

    decision_id: Id
    request_id: Id
    user_id: Id
    subject: Subject
    action: ModerationAction
    categories: Array[str] = ()
    reasons: Array[str] = ()
    policy_version: Id
    risk_event_id: Id | None = None
    decided_at: UtcDatetime


def v1_example() -> ModerationDecisionV1:
    return ModerationDecisionV1(**example(ModerationDecision).model_dump(exclude=set(NEW_FIELDS)))


def test_the_v1_stand_in_matches_the_committed_v1_schema() -> None:
    v1 = json.loads(default_registry().get(ModerationDecision.SUBJECT, 1).definition)
    assert list(ModerationDecisionV1.model_fields) == [f["name"] for f in v1["fields"]]


def test_v2_appends_two_optional_fields_and_nothing_else_changes() -> None:
    registry = default_registry()
    v1, v2 = (json.loads(registry.get(ModerationDecision.SUBJECT, n).definition) for n in (1, 2))
    assert (registry.get(ModerationDecision.SUBJECT, 1).id, registry.latest(ModerationDecision.SUBJECT).id) == (5, 8)
    assert v2["fields"][: len(v1["fields"])] == v1["fields"]
    added = v2["fields"][len(v1["fields"]) :]
    assert [(f["name"], f["type"], f["default"]) for f in added] == [
        ("content_hash", ["null", "string"], None),
        ("fingerprint", ["null", "long"], None),
    ]


def test_v1_written_bytes_decode_into_the_v2_model() -> None:
    data = encode(v1_example())
    assert data[:5] == b"\x00\x00\x00\x00\x05"
    decoded = decode(data)
    assert type(decoded) is ModerationDecision and decoded.SCHEMA_VERSION == 2
    assert decoded == example(ModerationDecision).model_copy(update=dict.fromkeys(NEW_FIELDS))
    # The reference library resolves v1 -> v2 the same way.
    v1, v2 = (default_registry().get(ModerationDecision.SUBJECT, n) for n in (1, 2))
    assert ModerationDecision.model_validate(avro_ref.read(data, v1, v2)) == decoded


def test_v2_written_bytes_are_readable_with_the_v1_schema() -> None:
    data = encode(example(ModerationDecision))
    assert data[:5] == b"\x00\x00\x00\x00\x08"
    assert decode(data, ModerationDecisionV1) == v1_example()
    v1, v2 = (default_registry().get(ModerationDecision.SUBJECT, n) for n in (1, 2))
    assert ModerationDecisionV1.model_validate(avro_ref.read(data, v2, v1)) == v1_example()


def test_v2_round_trips_with_and_without_the_new_fields() -> None:
    full = example(ModerationDecision)
    assert full.content_hash is not None and full.fingerprint is not None and full.fingerprint < 0
    bare = full.model_copy(update=dict.fromkeys(NEW_FIELDS))
    for event in (full, bare):
        assert decode(encode(event), ModerationDecision) == event
        assert avro_ref.write(default_registry().latest(event.SUBJECT), to_avro(event)) == encode(event)


@pytest.mark.parametrize("fingerprint", [-(2**63), 2**63 - 1, 0])
def test_fingerprint_takes_every_signed_64_bit_value(fingerprint: int) -> None:
    event = example(ModerationDecision).model_copy(update={"fingerprint": fingerprint})
    assert decode(encode(event), ModerationDecision).fingerprint == fingerprint


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"fingerprint": 2**63}, "fingerprint"),  # an unsigned SimHash must be folded to signed first
        ({"fingerprint": -(2**63) - 1}, "fingerprint"),
        ({"content_hash": "ABC"}, "content_hash"),
        ({"content_hash": "A" * 64}, "content_hash"),
    ],
)
def test_values_the_new_fields_cannot_hold_are_rejected(update: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        ModerationDecision(**{**example(ModerationDecision).model_dump(), **update})
