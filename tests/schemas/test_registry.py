"""The manifest and the registry: stable ids, complete listing, self-contained compatible schemas."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from schemas import Registry, SchemaError, UnknownSchemaId, default_registry
from schemas.registry import MANIFEST
from tests.schemas import avro_ref

AVRO_DIR = MANIFEST.parent / "avro"

#: Ids handed out so far. Ids are forever: extend this, never edit a line.
ASSIGNED_IDS = {
    1: ("modstream.PromptSubmitted", 1),
    2: ("modstream.GenerationCompleted", 1),
    3: ("modstream.ReportFiled", 1),
    4: ("modstream.RiskScored", 1),
    5: ("modstream.ModerationDecision", 1),
    6: ("modstream.EnforcementAction", 1),
    7: ("modstream.DeadLetter", 1),
    8: ("modstream.ModerationDecision", 2),
    9: ("modstream.UserSignal", 1),
    10: ("modstream.ReviewTask", 1),
    11: ("modstream.ReviewVerdict", 1),
    12: ("modstream.EnforcementReversed", 1),
    13: ("modstream.HotlineReport", 1),
}


def manifest_rows() -> list[dict[str, Any]]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_ids_and_subject_versions_are_unique() -> None:
    rows = manifest_rows()
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({(r["subject"], r["version"]) for r in rows}) == len(rows)


def test_assigned_ids_never_change() -> None:
    registered = {e.id: (e.subject, e.version) for e in default_registry()}
    assert {i: registered.get(i) for i in ASSIGNED_IDS} == ASSIGNED_IDS


def test_every_avsc_file_is_in_the_manifest_and_named_after_its_subject_and_version() -> None:
    listed = {r["file"]: r for r in manifest_rows()}
    on_disk = {f"avro/{p.name}" for p in AVRO_DIR.glob("*.avsc")}
    assert on_disk == set(listed)
    for file, row in listed.items():
        name, version = re.fullmatch(r"avro/(\w+)\.v(\d+)\.avsc", file).groups()
        assert (f"modstream.{name}", int(version)) == (row["subject"], row["version"])


def test_versions_of_a_subject_run_from_one_without_gaps() -> None:
    registry = default_registry()
    for subject in registry.subjects:
        assert [e.version for e in registry.versions(subject)] == list(range(1, len(registry.versions(subject)) + 1))


def test_named_types_shared_between_files_are_defined_identically() -> None:
    # Each .avsc is self-contained (a Schema Registry takes it alone), so a shared type such as
    # modstream.Subject is repeated; this keeps the copies from drifting apart. The top-level
    # record is left out: it is the subject itself, whose versions differ by design.
    definitions: dict[str, dict[str, Any]] = {}
    for entry in default_registry():
        schema = json.loads(entry.definition)
        nested = {name: d for name, d in _named_types(schema).items() if d is not schema}
        for name, definition in nested.items():
            assert definitions.setdefault(name, definition) == definition, f"{name} differs in {entry.source}"
    assert {"Subject", "Evidence", "ImageRef"} <= set(definitions)


def _named_types(schema: object) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(schema, dict):
        if schema.get("type") in ("record", "enum", "fixed"):
            found[schema["name"]] = schema
        for value in schema.values():
            found.update(_named_types(value))
    elif isinstance(schema, list):
        for item in schema:
            found.update(_named_types(item))
    return found


def test_committed_schemas_are_fully_transitively_compatible() -> None:
    avro_ref.assert_fully_compatible(default_registry())


def test_lookups_by_id_subject_and_version() -> None:
    registry = default_registry()
    entry = registry.by_id(4)
    assert entry.subject == "modstream.RiskScored" and entry.header == b"\x00\x00\x00\x00\x04"
    assert registry.latest("modstream.RiskScored") is entry is registry.get("modstream.RiskScored", 1)
    assert registry is default_registry()
    with pytest.raises(UnknownSchemaId, match="schema id 99 "):
        registry.by_id(99)
    with pytest.raises(SchemaError, match="modstream.Nope"):
        registry.latest("modstream.Nope")
    with pytest.raises(SchemaError, match="v2 is not registered"):
        registry.get("modstream.RiskScored", 2)


def test_with_schema_assigns_the_next_id_and_version_like_a_schema_registry() -> None:
    base = default_registry()
    v1 = json.loads(base.latest("modstream.PromptSubmitted").definition)
    evolved = base.with_schema(v1)
    latest = evolved.latest("modstream.PromptSubmitted")
    assert (latest.id, latest.version) == (max(e.id for e in base) + 1, 2)
    assert len(evolved) == len(base) + 1 and base.latest("modstream.PromptSubmitted").version == 1


def copy_manifest(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    shutil.copytree(AVRO_DIR, tmp_path / "avro")
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_a_copied_manifest_loads_the_same_registry(tmp_path: Path) -> None:
    registry = Registry.from_manifest(copy_manifest(tmp_path, manifest_rows()))
    assert [(e.id, e.subject, e.version, e.definition) for e in registry] == [
        (e.id, e.subject, e.version, e.definition) for e in default_registry()
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: rows + [{**rows[0], "version": 2}], r"schema id 1 is already"),
        (lambda rows: rows + [{**rows[0], "id": 50}], r"PromptSubmitted v1 is already registered"),
        (lambda rows: [{**rows[0], "subject": "modstream.Other"}], r"manifest says modstream.Other but"),
        (lambda rows: [{**rows[0], "file": "avro/Missing.v1.avsc"}], r"cannot read .*Missing"),
        (lambda rows: [{**rows[0], "id": 0}], r"schema id 0 is not an int"),
        (lambda rows: [{**rows[0], "id": "1"}], r"schema id '1' is not an int"),
        (lambda rows: [{"id": 1}], r"entry 0: expected exactly the keys"),
        (lambda rows: {"schemas": rows}, r"must be a JSON list"),
    ],
)
def test_a_bad_manifest_fails_early_naming_the_entry(tmp_path: Path, mutate: Any, message: str) -> None:
    path = copy_manifest(tmp_path, mutate(manifest_rows()))
    with pytest.raises(SchemaError, match=message):
        Registry.from_manifest(path)


def test_a_bad_schema_file_fails_early_naming_the_file(tmp_path: Path) -> None:
    path = copy_manifest(tmp_path, manifest_rows())
    (tmp_path / "avro" / "DeadLetter.v1.avsc").write_text('{"type": "record", "name": "DeadLetter", "fields": [{"name": "x", "type": "nope"}]}')
    with pytest.raises(SchemaError, match=r"DeadLetter\.v1\.avsc.*not a valid Avro schema"):
        Registry.from_manifest(path)
    with pytest.raises(SchemaError, match="cannot read manifest"):
        Registry.from_manifest(tmp_path / "absent.json")
