"""Benchmark ``avro`` against ``fastavro``: encode + decode of typical events, same process.

Run ``python -m schemas.bench_codecs``. Both libraries get the same record (the dict the wire
layer hands to the writer), the same parsed schema reused across calls, and a fresh buffer per
call, as in the hot path. The full wire round trip (pydantic included) is timed for context.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable, Mapping
from io import BytesIO
from typing import Any

import avro.io
import avro.schema
from fastavro import schemaless_reader, schemaless_writer

from schemas.examples import example
from schemas.models import Event, PromptSubmitted, RiskScored, to_avro
from schemas.registry import default_registry
from schemas.wire import decode, encode

__all__ = ["main"]

Op = Callable[[], object]


def fastavro_roundtrip(parsed: Mapping[str, Any], record: dict[str, Any]) -> Op:
    """One fastavro encode + decode of ``record``."""

    def run() -> object:
        buffer = BytesIO()
        schemaless_writer(buffer, parsed, record)
        buffer.seek(0)
        return schemaless_reader(buffer, parsed, None)

    return run


def avro_roundtrip(definition: str, record: dict[str, Any]) -> Op:
    """One ``avro`` (Apache reference implementation) encode + decode of ``record``."""
    schema = avro.schema.parse(definition)
    writer, reader = avro.io.DatumWriter(schema), avro.io.DatumReader(schema, schema)

    def run() -> object:
        buffer = BytesIO()
        writer.write(record, avro.io.BinaryEncoder(buffer))
        buffer.seek(0)
        return reader.read(avro.io.BinaryDecoder(buffer))

    return run


def wire_roundtrip(model: Event) -> Op:
    """One modstream ``encode`` + ``decode`` (framing, fastavro and pydantic validation)."""
    return lambda: decode(encode(model), type(model))


def microseconds_per_op(op: Op, seconds: float) -> float:
    """Best of five runs that together take about ``seconds``."""
    timer = timeit.Timer(op)
    estimate = timer.timeit(number=20) / 20
    number = max(1, int(seconds / 5 / estimate))
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def bench(model: Event, seconds: float) -> tuple[float, float, float]:
    """(avro, fastavro, wire) microseconds per encode + decode of ``model``."""
    entry = default_registry().get(model.SUBJECT, model.SCHEMA_VERSION)
    record = to_avro(model)
    fast, slow = fastavro_roundtrip(entry.parsed, record), avro_roundtrip(entry.definition, record)
    # Same bytes from both, or the comparison is meaningless.
    assert avro_bytes(entry.definition, record) == fastavro_bytes(entry.parsed, record)
    return (
        microseconds_per_op(slow, seconds),
        microseconds_per_op(fast, seconds),
        microseconds_per_op(wire_roundtrip(model), seconds),
    )


def fastavro_bytes(parsed: Mapping[str, Any], record: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    schemaless_writer(buffer, parsed, record)
    return buffer.getvalue()


def avro_bytes(definition: str, record: dict[str, Any]) -> bytes:
    buffer = BytesIO()
    avro.io.DatumWriter(avro.schema.parse(definition)).write(record, avro.io.BinaryEncoder(buffer))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per measurement")
    args = parser.parse_args(argv)
    print(f"{'event':<18} {'bytes':>6} {'avro µs/op':>11} {'fastavro µs/op':>15} {'ratio':>7} {'wire µs/op':>11}")
    for cls in (PromptSubmitted, RiskScored):
        model = example(cls)
        slow, fast, wire = bench(model, args.seconds)
        size = len(encode(model))
        print(f"{cls.__name__:<18} {size:>6} {slow:>11.1f} {fast:>15.1f} {slow / fast:>6.1f}x {wire:>11.1f}")
    print("ratio = avro / fastavro (encode + decode); wire = modstream encode + decode incl. pydantic")


if __name__ == "__main__":
    main()
