"""Every event round-trips through the Confluent wire format, and the bytes are real Avro."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import (
    MODELS,
    DeadLetter,
    Event,
    PromptSubmitted,
    RiskScored,
    decode,
    default_registry,
    encode,
    from_avro,
    to_avro,
)
from schemas.examples import example
from tests.schemas import avro_ref

ALL_MODELS = list(MODELS.values())
MEGABYTE = 1024 * 1024


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_every_event_round_trips(cls: type[Event]) -> None:
    event = example(cls)
    data = encode(event)
    assert decode(data) == event
    assert type(decode(data)) is cls
    assert decode(data, cls) == event


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_header_is_magic_zero_and_the_big_endian_schema_id(cls: type[Event]) -> None:
    entry = default_registry().latest(cls.SUBJECT)
    data = encode(example(cls))
    assert data[0] == 0 and int.from_bytes(data[1:5], "big") == entry.id


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_fastavro_and_the_avro_reference_library_write_the_same_bytes(cls: type[Event]) -> None:
    event = example(cls)
    entry = default_registry().latest(cls.SUBJECT)
    assert avro_ref.write(entry, to_avro(event)) == encode(event)


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_each_library_reads_what_the_other_wrote(cls: type[Event]) -> None:
    event = example(cls)
    entry = default_registry().latest(cls.SUBJECT)
    assert from_avro(cls, avro_ref.read(encode(event), entry)) == event
    assert decode(avro_ref.write(entry, to_avro(event)), cls) == event


def test_non_ascii_text_round_trips() -> None:
    text = "灯台 🌅 Ωμέγα ñandú עִבְרִית e\u0301 \u200b\x00 \U0001f9d1\u200d\U0001f3a8"
    event = example(PromptSubmitted).model_copy(update={"prompt": text, "negative_prompt": text[::-1]})
    decoded = decode(encode(event), PromptSubmitted)
    assert (decoded.prompt, decoded.negative_prompt) == (text, text[::-1])


def test_megabyte_strings_and_bytes_round_trip() -> None:
    prompt = ("ünïcödé lighthouse " * (MEGABYTE // 19 + 1))[:MEGABYTE]
    event = example(PromptSubmitted).model_copy(update={"prompt": prompt})
    assert decode(encode(event), PromptSubmitted).prompt == prompt
    payload = bytes(range(256)) * (MEGABYTE // 256)
    letter = example(DeadLetter).model_copy(update={"payload": payload, "error": "e" * MEGABYTE})
    assert decode(encode(letter), DeadLetter) == letter


def test_timestamps_keep_milliseconds_and_come_back_in_utc() -> None:
    at = datetime(1969, 7, 20, 20, 17, 40, 999999, UTC)  # before the epoch: negative millis
    event = PromptSubmitted(**{**example(PromptSubmitted).model_dump(), "submitted_at": at})
    decoded = decode(encode(event), PromptSubmitted)
    assert decoded.submitted_at == at.replace(microsecond=999000) and decoded.submitted_at.tzinfo is UTC


texts = st.text(max_size=300)
ids = st.text(min_size=1, max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    prompt=texts,
    negative=texts,
    loras=st.lists(st.text(max_size=30), max_size=5),
    request_id=ids,
    mature=st.booleans(),
    at=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
)
def test_arbitrary_prompts_round_trip_and_match_the_reference_library(
    prompt: str, negative: str, loras: list[str], request_id: str, mature: bool, at: datetime
) -> None:
    event = PromptSubmitted(
        event_id="e", request_id=request_id, user_id="u", model_id="m", lora_ids=loras, prompt=prompt,
        negative_prompt=negative, mature_content_allowed=mature, submitted_at=at,
    )
    data = encode(event)
    assert decode(data, PromptSubmitted) == event
    assert avro_ref.write(default_registry().latest(PromptSubmitted.SUBJECT), to_avro(event)) == data


@settings(max_examples=100)
@given(scores=st.dictionaries(st.text(min_size=1, max_size=20), st.floats(0.0, 1.0), max_size=8))
def test_arbitrary_scores_round_trip_exactly(scores: dict[str, float]) -> None:
    event = example(RiskScored).model_copy(update={"scores": scores})
    assert decode(encode(event), RiskScored).scores == scores
