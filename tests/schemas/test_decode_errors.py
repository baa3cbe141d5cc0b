"""Bad bytes raise a DecodeError subclass, quickly, with a message that is safe to log."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from fastavro import schemaless_writer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import (
    MODELS,
    DecodeError,
    EncodeError,
    Event,
    InvalidEvent,
    MalformedMessage,
    ModstreamError,
    PromptSubmitted,
    RiskScored,
    UnexpectedSchema,
    UnknownSchemaId,
    decode,
    default_registry,
    encode,
    to_avro,
)
from schemas.examples import example

GOLDEN = Path(__file__).with_name("golden") / "decode_errors.txt"
#: Stands in for user text: it must never appear in an error message.
SECRET = "SECRET-PROMPT-do-not-log"


def secret_prompt() -> PromptSubmitted:
    return example(PromptSubmitted).model_copy(update={"prompt": f"{SECRET} " * 20})


def framed(event: Event, **overrides: object) -> bytes:
    """``event`` written with fastavro alone, fields overridden, bypassing model validation."""
    entry = default_registry().latest(event.SUBJECT)
    buffer = BytesIO(entry.header)
    buffer.seek(len(entry.header))
    schemaless_writer(buffer, entry.parsed, {**to_avro(event), **overrides})
    return buffer.getvalue()


GOOD = encode(secret_prompt())

#: name -> (bytes, expect, error class). The messages are pinned in golden/decode_errors.txt.
CASES: dict[str, tuple[bytes, type[Event] | None, type[DecodeError]]] = {
    "empty": (b"", None, MalformedMessage),
    "shorter than the header": (b"\x00\x00\x00", None, MalformedMessage),
    "header only": (GOOD[:5], None, MalformedMessage),
    "wrong magic byte": (b"\x01" + GOOD[1:], None, MalformedMessage),
    "json instead of avro": (b'{"prompt": "' + SECRET.encode() + b'"}', None, MalformedMessage),
    "unknown schema id": (b"\x00\x00\x00\x01\x00" + GOOD[5:], None, UnknownSchemaId),
    "negative schema id": (b"\x00\xff\xff\xff\xff" + GOOD[5:], None, UnknownSchemaId),
    "truncated body": (GOOD[: len(GOOD) // 2], None, MalformedMessage),
    "truncated by one byte": (GOOD[:-1], None, MalformedMessage),
    "trailing bytes": (GOOD + b"\x00\x00", None, MalformedMessage),
    "invalid utf-8 in a string": (GOOD[:6] + b"\xff\xfe" + GOOD[8:], None, MalformedMessage),
    "different subject than expected": (encode(example(RiskScored)), PromptSubmitted, UnexpectedSchema),
    "empty id fails validation": (framed(secret_prompt(), event_id=""), PromptSubmitted, InvalidEvent),
    "evidence term too long": (
        framed(example(RiskScored), evidence=[{**to_avro(example(RiskScored))["evidence"][0], "term": SECRET * 3}]),
        RiskScored,
        InvalidEvent,
    ),
    "score out of range": (framed(example(RiskScored), scores={"sexual/minors": 1.5}), None, InvalidEvent),
}


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_raises_the_right_decode_error(name: str) -> None:
    data, expect, error = CASES[name]
    with pytest.raises(error) as caught:
        decode(data, expect)
    assert isinstance(caught.value, DecodeError) and isinstance(caught.value, ModstreamError)
    message = str(caught.value)
    assert SECRET not in message and "lighthouse" not in message
    if len(data) > 5:
        assert repr(data[5:15])[2:-1] not in message


def test_decode_error_messages_match_the_golden_file() -> None:
    # To accept a deliberate change: UPDATE_GOLDEN=1 pytest tests/schemas, then review the diff.
    lines = []
    for name, (data, expect, _) in CASES.items():
        with pytest.raises(DecodeError) as caught:
            decode(data, expect)
        lines.append(f"{name}\n    {describe(caught.value)}\n")
    actual = "".join(lines)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_library_errors_are_chained_for_debugging() -> None:
    with pytest.raises(MalformedMessage) as caught:
        decode(GOOD[: len(GOOD) // 2])
    assert isinstance(caught.value.__cause__, EOFError)


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydantic warns when dumping an unvalidated model
def test_encode_errors_name_the_schema_not_the_value() -> None:
    broken = PromptSubmitted.model_construct(**{**secret_prompt().model_dump(), "lora_ids": [SECRET, 7]})
    with pytest.raises(EncodeError, match=r"schema id 1 \(modstream.PromptSubmitted v1\)") as caught:
        encode(broken)
    assert SECRET not in str(caught.value) and caught.value.__cause__ is not None


def test_encoding_a_version_the_registry_lacks_is_an_encode_error() -> None:
    class Unregistered(PromptSubmitted):
        SCHEMA_VERSION = 9

    with pytest.raises(EncodeError, match="PromptSubmitted v9 is not registered"):
        encode(Unregistered(**example(PromptSubmitted).model_dump()))


def valid_messages() -> list[bytes]:
    return [encode(example(cls)) for cls in MODELS.values()]


def mutate(data: bytes, at: int, value: int, cut: int) -> bytes:
    """Flip one byte, then cut the message somewhere: the bad inputs a real broker hands over."""
    data = bytearray(data)
    data[at % len(data)] = value
    return bytes(data[: max(0, len(data) - cut)])


framed_garbage = st.builds(
    lambda schema_id, body: b"\x00" + schema_id.to_bytes(4, "big") + body,
    st.sampled_from([e.id for e in default_registry()]),
    st.binary(max_size=400),
)
mutated = st.builds(
    mutate, st.sampled_from(valid_messages()), st.integers(5, 400), st.integers(0, 255), st.integers(0, 40)
)
anything = st.one_of(st.binary(max_size=400), framed_garbage, mutated)


def decodes_or_raises_a_decode_error(data: bytes, expect: type[Event] | None) -> None:
    try:
        event = decode(data, expect)
    except DecodeError:
        return
    assert isinstance(event, expect or Event)


@settings(max_examples=1500, deadline=timedelta(milliseconds=250), suppress_health_check=[HealthCheck.too_slow])
@given(data=anything, expect=st.sampled_from([None, *MODELS.values()]))
def test_arbitrary_bytes_raise_only_decode_errors(data: bytes, expect: type[Event] | None) -> None:
    decodes_or_raises_a_decode_error(data, expect)


def test_megabytes_of_garbage_fail_fast() -> None:
    # A length prefix claiming ~2**62 bytes must not make the reader allocate or loop on it.
    huge_length = b"\xfe\xff\xff\xff\xff\xff\xff\xff\x7f"
    for body in (huge_length, huge_length * 1000, os.urandom(4 * 1024 * 1024)):
        for schema_id in (1, 4):
            check: Callable[[], None] = lambda: decodes_or_raises_a_decode_error(  # noqa: E731
                b"\x00" + schema_id.to_bytes(4, "big") + body, None
            )
            check()
