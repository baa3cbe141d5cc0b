"""Models and .avsc files cannot drift: same fields, order, defaults, symbols and subjects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from detectors.base import MAX_EVIDENCE_CHARS
from schemas import (
    MODELS,
    EnforcementKind,
    Event,
    Evidence,
    GenerationCompleted,
    HashBankOp,
    HashKind,
    HotlineReport,
    ImageRef,
    IncidentType,
    ModerationAction,
    PromptSubmitted,
    ReportReason,
    ReviewOutcome,
    ReviewTask,
    RiskScored,
    SignalKind,
    SubjectKind,
    UserSignal,
    default_registry,
    from_avro,
    to_avro,
)
from schemas.examples import EXAMPLES, example
from schemas.models import MAX_EVIDENCE_TERM_CHARS

ENUMS = {
    "modstream.SubjectKind": (SubjectKind, "image"),
    "modstream.ReportReason": (ReportReason, "other"),
    "modstream.ModerationAction": (ModerationAction, "review"),
    "modstream.EnforcementKind": (EnforcementKind, "human_review"),
    "modstream.SignalKind": (SignalKind, "prompt_reviewed"),
    "modstream.ReviewOutcome": (ReviewOutcome, "escalated"),
    "modstream.IncidentType": (IncidentType, "other"),
    "modstream.HashBankOp": (HashBankOp, "add"),
    "modstream.HashKind": (HashKind, "pdq"),
}


def schema_of(cls: type[Event]) -> dict[str, Any]:
    return json.loads(default_registry().latest(cls.SUBJECT).definition)


def records_in(schema: object) -> list[dict[str, Any]]:
    """Every record type defined anywhere inside ``schema``, outermost first."""
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "record":
            found.append(schema)
        for value in schema.values():
            found += records_in(value)
    elif isinstance(schema, list):
        for item in schema:
            found += records_in(item)
    return found


def model_for_record(top: type[BaseModel], name: str) -> type[BaseModel]:
    """The model class whose name is the record's name, reachable from ``top``'s fields."""
    if top.__name__ == name:
        return top
    for info in top.model_fields.values():
        for arg in _type_args(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                try:
                    return model_for_record(arg, name)
                except LookupError:
                    pass
    raise LookupError(name)


def _type_args(annotation: object) -> list[object]:
    args = [annotation]
    for arg in getattr(annotation, "__args__", ()):
        args += _type_args(arg)
    return args


@pytest.mark.parametrize("cls", list(MODELS.values()), ids=lambda c: c.__name__)
def test_every_record_and_its_model_have_the_same_fields_in_the_same_order(cls: type[Event]) -> None:
    for record in records_in(schema_of(cls)):
        model = model_for_record(cls, record["name"])
        assert list(model.model_fields) == [f["name"] for f in record["fields"]], record["name"]


@pytest.mark.parametrize("cls", list(MODELS.values()), ids=lambda c: c.__name__)
def test_defaults_agree_between_schema_and_model(cls: type[Event]) -> None:
    for record in records_in(schema_of(cls)):
        model = model_for_record(cls, record["name"])
        for avro_field in record["fields"]:
            info = model.model_fields[avro_field["name"]]
            where = f"{record['name']}.{avro_field['name']}"
            if "default" not in avro_field:
                assert info.is_required(), f"{where} has a model default but no Avro default"
            else:
                assert not info.is_required(), f"{where} has an Avro default but none in the model"
                model_default = info.default
                expected = avro_field["default"]
                assert (list(model_default) if isinstance(model_default, tuple) else model_default) == expected, where


@pytest.mark.parametrize("cls", list(MODELS.values()), ids=lambda c: c.__name__)
def test_subject_is_the_schema_full_name_and_the_latest_version(cls: type[Event]) -> None:
    schema = schema_of(cls)
    assert cls.SUBJECT == f"{schema['namespace']}.{schema['name']}" == f"modstream.{cls.__name__}"
    assert cls.SCHEMA_VERSION == default_registry().latest(cls.SUBJECT).version


def test_every_registered_subject_has_a_model_and_an_example() -> None:
    assert set(MODELS) == default_registry().subjects
    assert set(EXAMPLES) == set(MODELS.values())


def test_enums_match_schema_symbols_and_defaults() -> None:
    seen = set()
    for cls in MODELS.values():
        for enum in _enums_in(schema_of(cls)):
            full_name = f"modstream.{enum['name']}"
            py_enum, default = ENUMS[full_name]
            assert [m.value for m in py_enum] == enum["symbols"] == [m.name for m in py_enum]
            assert enum["default"] == default
            seen.add(full_name)
    assert seen == set(ENUMS)


def _enums_in(schema: object) -> list[dict[str, Any]]:
    if isinstance(schema, dict):
        found = [schema] if schema.get("type") == "enum" else []
        return found + [e for v in schema.values() for e in _enums_in(v)]
    if isinstance(schema, list):
        return [e for item in schema for e in _enums_in(item)]
    return []


def test_timestamps_are_utc_at_millisecond_precision() -> None:
    plus_two = timezone(timedelta(hours=2))
    at = datetime(2025, 1, 1, 12, 0, 0, 123456, plus_two)
    event = PromptSubmitted(**{**example(PromptSubmitted).model_dump(), "submitted_at": at})
    assert event.submitted_at == datetime(2025, 1, 1, 10, 0, 0, 123000, UTC)
    assert event.submitted_at.tzinfo is UTC


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        PromptSubmitted(**{**example(PromptSubmitted).model_dump(), "submitted_at": datetime(2025, 1, 1)})


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"width": 2**31}, "width"),
        ({"size_bytes": -1}, "size_bytes"),
        ({"sha256": "ABC"}, "sha256"),
    ],
)
def test_values_avro_cannot_hold_are_rejected_by_the_model(update: dict[str, object], field: str) -> None:
    image = example(GenerationCompleted).images[0]
    with pytest.raises(ValidationError, match=field):
        ImageRef(**{**image.model_dump(), **update})


@pytest.mark.parametrize(
    ("cls", "update", "field"),
    [
        (ReviewTask, {"priority": 101}, "priority"),
        (ReviewTask, {"priority": -1}, "priority"),
        (UserSignal, {"score": 1.5}, "score"),
        (UserSignal, {"fingerprint": 2**64 - 1}, "fingerprint"),
        (UserSignal, {"content_hash": "not-a-digest"}, "content_hash"),
        (HotlineReport, {"user_identifiers": {"user_id": 42}}, "user_identifiers"),
    ],
)
def test_values_the_new_events_cannot_hold_are_rejected(cls: type[Event], update: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        cls(**{**example(cls).model_dump(), **update})


def test_a_hotline_report_holds_its_evidence_unless_told_otherwise() -> None:
    fields = example(HotlineReport).model_dump(exclude={"evidence_hold"})
    assert HotlineReport(**fields).evidence_hold is True


def test_evidence_carries_a_term_never_a_prompt() -> None:
    assert MAX_EVIDENCE_TERM_CHARS == MAX_EVIDENCE_CHARS
    with pytest.raises(ValidationError, match="term"):
        Evidence(detector="d", category="c", term="x" * (MAX_EVIDENCE_TERM_CHARS + 1), field="prompt")


def test_models_are_frozen_and_strict_about_fields() -> None:
    event = example(RiskScored)
    with pytest.raises(ValidationError):
        event.user_id = "someone-else"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        RiskScored(**{**event.model_dump(), "verdict": "block"})


def test_to_avro_gives_plain_lists_and_from_avro_inverts_it() -> None:
    event = example(RiskScored)
    record = to_avro(event)
    assert isinstance(record["evidence"], list) and isinstance(record["evidence"][0], dict)
    assert isinstance(event.evidence, tuple)
    assert from_avro(RiskScored, record) == event
