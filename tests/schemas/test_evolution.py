"""Schema evolution in a temporary registry: old and new writers and readers understand each other."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any, ClassVar

import pytest
from fastavro import schemaless_writer
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import (
    DecodeError,
    ModerationAction,
    ModerationDecision,
    PromptSubmitted,
    Registry,
    UnknownSchemaId,
    decode,
    default_registry,
    encode,
    to_avro,
)
from schemas.examples import example
from tests.schemas import avro_ref


class PromptSubmittedV2(PromptSubmitted):
    """What a v2 producer or consumer would ship: one new optional field."""

    SCHEMA_VERSION: ClassVar[int] = 2
    style_preset: str | None = None


def latest_definition(subject: str) -> dict[str, Any]:
    return json.loads(default_registry().latest(subject).definition)


@pytest.fixture(scope="module")
def evolved() -> Registry:
    """The committed registry plus PromptSubmitted v2 and a ModerationDecision with a new enum symbol."""
    prompt_v2 = latest_definition(PromptSubmitted.SUBJECT)
    # Inserted mid-record, not appended: resolution is by name, not position.
    prompt_v2["fields"].insert(8, {"name": "style_preset", "type": ["null", "string"], "default": None})
    decision_next = latest_definition(ModerationDecision.SUBJECT)
    action = next(f for f in decision_next["fields"] if f["name"] == "action")
    action["type"]["symbols"].append("escalate")
    return default_registry().with_schema(prompt_v2).with_schema(decision_next)


def test_evolved_registry_appends_ids_and_stays_fully_compatible(evolved: Registry) -> None:
    assert {e.id: e.subject for e in default_registry()}.items() <= {e.id: e.subject for e in evolved}.items()
    assert evolved.latest(PromptSubmitted.SUBJECT).version == 2
    avro_ref.assert_fully_compatible(evolved)


def test_v2_written_bytes_decode_with_a_v1_reader(evolved: Registry) -> None:
    new = PromptSubmittedV2(**example(PromptSubmitted).model_dump(), style_preset="cinematic")
    data = encode(new, registry=evolved)
    assert int.from_bytes(data[1:5], "big") == evolved.latest(PromptSubmitted.SUBJECT).id
    old = decode(data, PromptSubmitted, registry=evolved)
    assert type(old) is PromptSubmitted and old == example(PromptSubmitted)
    # The reference library resolves the same way.
    v1, v2 = evolved.get(PromptSubmitted.SUBJECT, 1), evolved.get(PromptSubmitted.SUBJECT, 2)
    assert PromptSubmitted.model_validate(avro_ref.read(data, v2, v1)) == old


def test_v1_written_bytes_decode_with_a_v2_reader(evolved: Registry) -> None:
    data = encode(example(PromptSubmitted), registry=evolved)
    assert data == encode(example(PromptSubmitted))  # a v1 producer is unaffected by v2 existing
    new = decode(data, PromptSubmittedV2, registry=evolved)
    assert new.style_preset is None and new.prompt == example(PromptSubmitted).prompt


def test_v2_bytes_round_trip_with_a_v2_reader(evolved: Registry) -> None:
    new = PromptSubmittedV2(**example(PromptSubmitted).model_dump(), style_preset="anime")
    assert decode(encode(new, registry=evolved), PromptSubmittedV2, registry=evolved) == new


def test_a_registry_without_v2_cannot_decode_v2_bytes() -> None:
    # Why a consumer needs the registry (local or Confluent) to know every writer's id.
    evolved = default_registry().with_schema(latest_definition(PromptSubmitted.SUBJECT))
    data = encode(PromptSubmittedV2(**example(PromptSubmitted).model_dump()), registry=evolved)
    with pytest.raises(UnknownSchemaId):
        decode(data, PromptSubmitted)


def escalated(registry: Registry) -> bytes:
    """A record from the newest ModerationDecision schema, using the symbol the model lacks."""
    writer = registry.latest(ModerationDecision.SUBJECT)
    assert writer.version > ModerationDecision.SCHEMA_VERSION
    buffer = BytesIO(writer.header)
    buffer.seek(len(writer.header))
    schemaless_writer(buffer, writer.parsed, {**to_avro(example(ModerationDecision)), "action": "escalate"})
    return buffer.getvalue()


def test_a_new_enum_symbol_reads_as_the_enum_default(evolved: Registry) -> None:
    decoded = decode(escalated(evolved), ModerationDecision, registry=evolved)
    assert decoded.action is ModerationAction.review


@settings(max_examples=500)
@given(data=st.data())
def test_damaged_newer_records_raise_only_decode_errors_through_resolution(evolved: Registry, data: st.DataObject) -> None:
    # Writer v2, reader v1: the resolving reader path, which plain round trips never take.
    v2 = PromptSubmittedV2(**example(PromptSubmitted).model_dump(), style_preset="noir")
    message = bytearray(data.draw(st.sampled_from([encode(v2, registry=evolved), escalated(evolved)])))
    for _ in range(data.draw(st.integers(1, 3))):
        message[data.draw(st.integers(5, len(message) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(5, len(message)))
    try:
        decode(bytes(message[:cut]), registry=evolved)
    except DecodeError:
        pass


def test_the_compatibility_check_catches_a_new_required_field() -> None:
    breaking = latest_definition(PromptSubmitted.SUBJECT)
    breaking["fields"].append({"name": "style_preset", "type": "string"})  # no default: v2 cannot read v1
    with pytest.raises(AssertionError, match="style_preset"):
        avro_ref.assert_fully_compatible(default_registry().with_schema(breaking))
