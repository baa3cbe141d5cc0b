"""UserSignal v1 (id 9) and v2 (id 14, adds image references): each side reads what the other wrote."""

from __future__ import annotations

import json
from typing import ClassVar

from schemas import Event, UserSignal, decode, default_registry, encode
from schemas.examples import example
from schemas.models import Array, Evidence, Id, Int64, Score, SignalKind, UtcDatetime


class UserSignalV1(Event):
    SUBJECT: ClassVar[str] = "modstream.UserSignal"
    SCHEMA_VERSION: ClassVar[int] = 1

    signal_id: Id
    user_id: Id
    kind: SignalKind
    category: Id
    score: Score
    decision_id: Id
    request_id: Id | None = None
    fingerprint: Int64 | None = None
    content_hash: str | None = None
    evidence: Array[Evidence] = ()
    image_uris: Array[str] = ()
    occurred_at: UtcDatetime


def test_v2_only_appends_images() -> None:
    registry = default_registry()
    v1, v2 = (json.loads(registry.get(UserSignal.SUBJECT, n).definition) for n in (1, 2))
    assert v2["fields"][:-1] == v1["fields"] and v2["fields"][-1]["name"] == "images"
    assert registry.latest(UserSignal.SUBJECT).id == 14


def test_v1_bytes_decode_into_v2_and_v2_bytes_read_as_v1() -> None:
    v2 = example(UserSignal)
    old = UserSignalV1(**v2.model_dump(exclude={"images"}))
    data = encode(old)
    assert data[:5] == b"\x00\x00\x00\x00\x09"
    new = decode(data, expect=UserSignal)
    assert new.images == () and new.signal_id == old.signal_id
    back = decode(encode(v2), expect=UserSignalV1)
    assert back.signal_id == v2.signal_id and back.image_uris == v2.image_uris
