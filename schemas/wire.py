"""Confluent wire format: magic byte 0, 4-byte big-endian schema id, schemaless Avro body.

>>> from datetime import UTC, datetime
>>> from schemas.models import PromptSubmitted
>>> event = PromptSubmitted(event_id="e1", request_id="r1", user_id="u1", model_id="sdxl",
...     prompt="a lighthouse at dusk", mature_content_allowed=False,
...     submitted_at=datetime(2025, 1, 1, tzinfo=UTC))
>>> data = encode(event)
>>> data[:5]
b'\\x00\\x00\\x00\\x00\\x01'
>>> decode(data, PromptSubmitted) == event
True
"""

from __future__ import annotations

import struct
from io import BytesIO
from typing import TypeVar, overload

from fastavro import schemaless_reader, schemaless_writer
from fastavro.read import SchemaResolutionError
from pydantic import ValidationError

from schemas.errors import (
    EncodeError,
    InvalidEvent,
    MalformedMessage,
    SchemaError,
    UnexpectedSchema,
)
from schemas.models import MODELS, Event, to_avro
from schemas.registry import HEADER, MAGIC, RegisteredSchema, Registry, default_registry

__all__ = ["decode", "encode"]

E = TypeVar("E", bound=Event)

# What fastavro raises on a truncated or garbage body (found by fuzzing; the hypothesis test
# in tests/schemas keeps this list honest). UnicodeDecodeError is a ValueError.
_READ_ERRORS = (EOFError, IndexError, ValueError, OverflowError, struct.error)
# What fastavro raises when a record does not fit its schema; pydantic makes this rare.
_WRITE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError, struct.error)
_MAX_FIELD_ERRORS = 5


def encode(model: Event, *, registry: Registry | None = None) -> bytes:
    """Frame ``model`` under the registered schema of its subject and version; raises EncodeError."""
    registry = default_registry() if registry is None else registry
    try:
        entry = registry.get(model.SUBJECT, model.SCHEMA_VERSION)
    except SchemaError as exc:
        raise EncodeError(f"cannot encode {type(model).__name__}: {exc}") from exc
    buffer = BytesIO()
    buffer.write(entry.header)
    try:
        schemaless_writer(buffer, entry.parsed, to_avro(model))
    except _WRITE_ERRORS as exc:
        # The library's message would quote the offending value, which may be prompt text.
        raise EncodeError(f"{_where(entry)}: {type(model).__name__} does not fit: {type(exc).__name__}") from exc
    return buffer.getvalue()


@overload
def decode(data: bytes, expect: type[E], *, registry: Registry | None = None) -> E: ...
@overload
def decode(data: bytes, expect: None = None, *, registry: Registry | None = None) -> Event: ...


def decode(data: bytes, expect: type[Event] | None = None, *, registry: Registry | None = None) -> Event:
    """Read one framed record into its model, resolving the writer's schema to the model's.

    The writer schema is the one the header's id names; the reader schema is the registered
    version the model class matches (``SUBJECT``, ``SCHEMA_VERSION``), so records from older
    and newer writers both decode. With ``expect``, any other subject raises UnexpectedSchema.
    Every failure caused by the bytes is a DecodeError subclass; a model version the
    registry lacks is a SchemaError (a deployment bug, not bad input).
    """
    registry = default_registry() if registry is None else registry
    size = len(data)
    if size < HEADER.size:
        raise MalformedMessage(f"{size} bytes is shorter than the {HEADER.size}-byte header")
    magic, schema_id = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise MalformedMessage(f"magic byte {magic} is not {MAGIC} ({size}-byte message)")
    writer = registry.by_id(schema_id)
    cls = _model_for(writer, expect)
    reader = registry.get(cls.SUBJECT, cls.SCHEMA_VERSION)
    buffer = BytesIO(data)
    buffer.seek(HEADER.size)
    try:
        # Same schema: skip fastavro's resolution pass entirely.
        record = schemaless_reader(buffer, writer.parsed, None if reader is writer else reader.parsed)
    except SchemaResolutionError as exc:
        raise UnexpectedSchema(f"{_where(writer)}: cannot be read as v{reader.version}: {_brief(exc)}") from exc
    except _READ_ERRORS as exc:
        raise MalformedMessage(f"{_where(writer)}: unreadable Avro body ({size}-byte message): {_brief(exc)}") from exc
    if buffer.tell() != size:
        raise MalformedMessage(f"{_where(writer)}: {size - buffer.tell()} bytes left after the record ({size}-byte message)")
    try:
        return cls.model_validate(record)
    except ValidationError as exc:
        raise InvalidEvent(f"{_where(writer)}: {_fields(exc)}") from exc


def _model_for(writer: RegisteredSchema, expect: type[Event] | None) -> type[Event]:
    if expect is not None:
        if writer.subject != expect.SUBJECT:
            raise UnexpectedSchema(f"{_where(writer)}: expected {expect.SUBJECT}")
        return expect
    cls = MODELS.get(writer.subject)
    if cls is None:
        raise UnexpectedSchema(f"{_where(writer)}: no model for this subject")
    return cls


def _where(entry: RegisteredSchema) -> str:
    return f"schema id {entry.id} ({entry.subject} v{entry.version})"


def _brief(exc: Exception) -> str:
    # Structural messages only: a UnicodeDecodeError's str() quotes a payload byte, its reason does not.
    detail = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)[:80]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _fields(exc: ValidationError) -> str:
    # Location and message, never the input value: the input may be a prompt.
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    shown = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<record>'}: {e['msg']}" for e in errors[:_MAX_FIELD_ERRORS])
    more = f" (+{len(errors) - _MAX_FIELD_ERRORS} more)" if len(errors) > _MAX_FIELD_ERRORS else ""
    return f"{len(errors)} invalid field(s): {shown}{more}"
