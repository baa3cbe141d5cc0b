"""The local schema registry: a committed manifest of stable ids, each schema parsed once.

It answers the questions a Confluent Schema Registry answers (schema by id, latest or given
version of a subject) so one can replace it without touching the wire format. Ids live in
``registry.json`` and never change; a new schema or version only ever appends an id.

>>> registry = default_registry()
>>> registry.latest("modstream.PromptSubmitted").id
1
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fastavro import parse_schema
from fastavro.schema import SchemaParseException

from schemas.errors import SchemaError, UnknownSchemaId

__all__ = ["MANIFEST", "RegisteredSchema", "Registry", "default_registry"]

#: The committed manifest: a JSON list of ``{id, subject, version, file}``, files relative to it.
MANIFEST = Path(__file__).with_name("registry.json")

#: Confluent framing: magic byte 0, then the schema id as a 4-byte big-endian signed int.
HEADER = struct.Struct(">bi")
MAGIC = 0
_MAX_ID = 2**31 - 1
_MANIFEST_KEYS = frozenset({"id", "subject", "version", "file"})


@dataclass(frozen=True, slots=True)
class RegisteredSchema:
    """One registered schema version: its id, subject, version and the fastavro-parsed schema."""

    id: int
    subject: str
    version: int
    #: Where the schema came from, for error messages ("<memory>" when registered in code).
    source: str
    #: The schema JSON as written: what one would POST to a Confluent Schema Registry.
    definition: str = field(repr=False)
    parsed: Mapping[str, Any] = field(repr=False)
    #: The 5-byte Confluent prefix for records written with this schema.
    header: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not (type(self.id) is int and 0 < self.id <= _MAX_ID):
            raise SchemaError(f"{self.source}: schema id {self.id!r} is not an int in 1..{_MAX_ID}")
        if not (type(self.version) is int and self.version > 0):
            raise SchemaError(f"{self.source}: version {self.version!r} is not a positive int")
        object.__setattr__(self, "header", HEADER.pack(MAGIC, self.id))

    @classmethod
    def build(cls, schema_id: int, version: int, definition: str, source: str) -> RegisteredSchema:
        """Parse ``definition`` on its own: self-contained, no named types borrowed from other files."""
        try:
            parsed = parse_schema(json.loads(definition), named_schemas={})
        except (ValueError, TypeError, KeyError, SchemaParseException) as exc:
            raise SchemaError(f"{source}: not a valid Avro schema: {type(exc).__name__}: {exc}") from exc
        subject = parsed.get("name") if isinstance(parsed, dict) and parsed.get("type") == "record" else None
        if not subject:
            raise SchemaError(f"{source}: top-level schema must be a named record")
        return cls(schema_id, subject, version, source, definition, parsed)


class Registry:
    """Immutable set of registered schemas, indexed by id and by (subject, version).

    Subjects are full record names (Confluent's RecordNameStrategy), e.g. ``modstream.RiskScored``.
    """

    def __init__(self, schemas: Iterable[RegisteredSchema]) -> None:
        self._by_id: dict[int, RegisteredSchema] = {}
        self._by_version: dict[tuple[str, int], RegisteredSchema] = {}
        self._latest: dict[str, RegisteredSchema] = {}
        for entry in schemas:
            if entry.id in self._by_id:
                raise SchemaError(f"{entry.source}: schema id {entry.id} is already {self._by_id[entry.id].source}")
            key = (entry.subject, entry.version)
            if key in self._by_version:
                raise SchemaError(f"{entry.source}: {entry.subject} v{entry.version} is already registered")
            self._by_id[entry.id] = self._by_version[key] = entry
            latest = self._latest.get(entry.subject)
            if latest is None or entry.version > latest.version:
                self._latest[entry.subject] = entry

    @classmethod
    def from_manifest(cls, path: Path = MANIFEST) -> Registry:
        """Load and parse every schema a manifest lists; fails early, naming the file and entry."""
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SchemaError(f"{path}: cannot read manifest: {type(exc).__name__}: {exc}") from exc
        if not isinstance(rows, list):
            raise SchemaError(f"{path}: manifest must be a JSON list of {{id, subject, version, file}}")
        return cls(_load_row(path, index, row) for index, row in enumerate(rows))

    def with_schema(self, definition: Mapping[str, Any] | str, *, source: str = "<memory>") -> Registry:
        """A new registry with ``definition`` added as the next version of its subject under a new id.

        Ids and versions are assigned like Confluent's ``POST /subjects/{subject}/versions``;
        compatibility is not checked here (the tests check every subject's chain).
        """
        text = definition if isinstance(definition, str) else json.dumps(definition)
        next_id = max(self._by_id, default=0) + 1
        entry = RegisteredSchema.build(next_id, 1, text, source)
        previous = self._latest.get(entry.subject)
        if previous is not None:
            entry = replace(entry, version=previous.version + 1)
        return Registry([*self, entry])

    def by_id(self, schema_id: int) -> RegisteredSchema:
        """The schema registered under ``schema_id``; raises UnknownSchemaId."""
        entry = self._by_id.get(schema_id)
        if entry is None:
            raise UnknownSchemaId(f"schema id {schema_id} is not registered")
        return entry

    def get(self, subject: str, version: int) -> RegisteredSchema:
        """One version of a subject; raises SchemaError."""
        entry = self._by_version.get((subject, version))
        if entry is None:
            raise SchemaError(f"{subject} v{version} is not registered")
        return entry

    def latest(self, subject: str) -> RegisteredSchema:
        """The newest version of a subject; raises SchemaError."""
        entry = self._latest.get(subject)
        if entry is None:
            raise SchemaError(f"subject {subject} is not registered")
        return entry

    def versions(self, subject: str) -> list[RegisteredSchema]:
        """Every version of a subject, oldest first."""
        return sorted((e for e in self if e.subject == subject), key=lambda e: e.version)

    @property
    def subjects(self) -> frozenset[str]:
        return frozenset(self._latest)

    def __iter__(self) -> Iterator[RegisteredSchema]:
        return iter(sorted(self._by_id.values(), key=lambda e: e.id))

    def __len__(self) -> int:
        return len(self._by_id)


def _load_row(manifest: Path, index: int, row: object) -> RegisteredSchema:
    where = f"{manifest} entry {index}"
    if not isinstance(row, dict) or set(row) != _MANIFEST_KEYS:
        raise SchemaError(f"{where}: expected exactly the keys {sorted(_MANIFEST_KEYS)}")
    file = manifest.parent / row["file"]
    try:
        definition = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"{where}: cannot read {file}: {type(exc).__name__}") from exc
    entry = RegisteredSchema.build(row["id"], row["version"], definition, f"{where} ({row['file']})")
    if entry.subject != row["subject"]:
        raise SchemaError(f"{where}: manifest says {row['subject']} but {row['file']} defines {entry.subject}")
    return entry


@functools.cache
def default_registry() -> Registry:
    """The registry of the committed manifest, built on first use and shared after."""
    return Registry.from_manifest(MANIFEST)
