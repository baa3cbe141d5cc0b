"""The Apache ``avro`` reference implementation as an independent check on fastavro's bytes."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import avro.io
import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from schemas.registry import RegisteredSchema, Registry


def parse(entry: RegisteredSchema) -> avro.schema.Schema:
    return avro.schema.parse(entry.definition)


def write(entry: RegisteredSchema, record: dict[str, Any]) -> bytes:
    """Confluent-framed bytes for ``record``, written by the avro library alone."""
    buffer = BytesIO()
    buffer.write(entry.header)
    avro.io.DatumWriter(parse(entry)).write(record, avro.io.BinaryEncoder(buffer))
    return buffer.getvalue()


def read(data: bytes, writer: RegisteredSchema, reader: RegisteredSchema | None = None) -> dict[str, Any]:
    """The record in Confluent-framed ``data``, read by the avro library alone."""
    datum_reader = avro.io.DatumReader(parse(writer), parse(reader or writer))
    buffer = BytesIO(data)
    buffer.seek(len(writer.header))
    return datum_reader.read(avro.io.BinaryDecoder(buffer))


def assert_fully_compatible(registry: Registry) -> None:
    """Every version of every subject reads every other (Confluent FULL_TRANSITIVE)."""
    checker = ReaderWriterCompatibilityChecker()
    for subject in registry.subjects:
        versions = [parse(e) for e in registry.versions(subject)]
        for reader in versions:
            for writer in versions:
                result = checker.get_compatibility(reader, writer)
                assert result.compatibility is SchemaCompatibilityType.compatible, (subject, result.messages)
