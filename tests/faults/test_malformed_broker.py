"""Every kind of malformed message, interleaved with good prompts: each bad one is dead-lettered
exactly once with a clear error, each good one is decided, and the worker never stops."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from fastavro import schemaless_writer

from ops.broker import EmbeddedBroker
from schemas import default_registry, encode, to_avro
from schemas.examples import example
from schemas.models import DeadLetter, EnforcementAction, PromptSubmitted, RiskScored
from streams import topics
from tests.conftest import WorkerProcess, unique_settings
from tests.faults._stream import DECISIONS, PROMPTS, TIMEOUT, Outputs, inconsistent, request_ids, send, traffic

pytestmark = pytest.mark.broker
GOOD, BAD_PER_KIND = 1_000, 120  # scripts/soak_faults.py: 10,000 bad


def _framed(event: PromptSubmitted, **fields: object) -> bytes:
    """Valid Avro under the PromptSubmitted schema, fields overridden past the model's validation."""
    entry = default_registry().latest(event.SUBJECT)
    buffer = BytesIO()
    buffer.write(entry.header)
    schemaless_writer(buffer, entry.parsed, {**to_avro(event), **fields})
    return buffer.getvalue()


def _zigzag(n: int) -> bytes:
    n, out = (n << 1) ^ (n >> 63), bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    return bytes([*out, n])


def bad_kinds(rng: random.Random, base: PromptSubmitted) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """kind -> (the error_type its dead letter must carry, a maker of one bad value)."""
    good = encode(base)
    header = default_registry().latest(base.SUBJECT).header
    other = encode(example(RiskScored))
    return {
        "random bytes": ("MalformedMessage", lambda: bytes([rng.randrange(1, 256)]) + rng.randbytes(rng.randrange(99))),
        "truncated avro": ("MalformedMessage", lambda: good[: rng.randrange(5, len(good) - 1)]),
        "unknown schema id": ("UnknownSchemaId", lambda: b"\x00" + rng.randrange(1000, 2**31).to_bytes(4, "big")
                              + good[5:]),
        "another event type": ("UnexpectedSchema", lambda: other),
        "negative string length": ("MalformedMessage", lambda: header + _zigzag(-rng.randrange(1, 2**40)) + b"abc"),
        "absurd timestamp": ("MalformedMessage", lambda: _framed(base, submitted_at=rng.choice([-(2**62), 2**62]))),
        "empty ids": ("InvalidEvent", lambda: _framed(base, event_id="", request_id="")),
        "empty value": ("MalformedMessage", lambda: b""),
    }


def test_malformed_messages_are_dead_lettered_exactly_and_good_ones_decided(
    broker: EmbeddedBroker, tmp_path: Path,
) -> None:
    s = unique_settings(broker, tmp_path, max_prompt_chars=4096)
    rng = random.Random(20261125)
    good = traffic(GOOD, run=f"m{uuid.uuid4().hex[:6]}")
    base = example(PromptSubmitted)
    kinds = bad_kinds(rng, base)
    bad = [(kind, make()) for kind, (_, make) in kinds.items() for _ in range(BAD_PER_KIND)]
    # A megabyte prompt decodes but is refused unscreened: dead-lettered *and* blocked.
    huge = [base.model_copy(update={"event_id": f"e-{rid}", "request_id": rid, "prompt": "a cat " * 170_000})
            for rid in (f"huge-{uuid.uuid4().hex[:8]}" for _ in range(3))]
    bad += [("megabyte prompt", encode(h)) for h in huge]
    # Every tenth good prompt and every other bad message come without a key.
    records: list[tuple[bytes | None, bytes]] = [(m.key if i % 10 else None, m.value) for i, m in enumerate(good)]
    records += [(None if i % 2 else f"bad-{i}".encode(), value) for i, (_, value) in enumerate(bad)]
    rng.shuffle(records)
    expected = Counter(kinds[k][0] if k in kinds else "OversizedInput" for k, _ in bad)

    worker = WorkerProcess(s)
    try:
        with Outputs(s, DECISIONS, topics.DEADLETTER.name, topics.ENFORCEMENT_ACTIONS.name) as out:
            send(s, PROMPTS, records)
            ids = request_ids(good) + [h.request_id for h in huge]
            out.read(lambda o: o.decided(ids) == len(ids) and len(o.of(DeadLetter)) >= len(bad),
                     timeout=TIMEOUT * 2, quiet=2)
            assert worker.alive, worker.log()
            dead = {d.dead_letter_id: d for d in out.of(DeadLetter)}  # at-least-once: count each once
            decisions = out.decisions()
    finally:
        worker.stop()

    assert out.decided(ids) == len(ids), f"{len(ids) - out.decided(ids)} good prompts undecided:\n{worker.log()}"
    assert inconsistent(decisions) == {}
    assert all(decisions[h.request_id][0].action.value == "block" for h in huge)
    assert Counter(d.error_type for d in dead.values()) == expected
    assert all(d.stage == "screen_prompts" and d.error and d.source_topic == s.topic(PROMPTS) for d in dead.values())
    sent_bad = Counter(value for _, value in bad if len(value) <= s.deadletter_payload_max_bytes)
    kept = Counter(d.payload for d in dead.values() if len(d.payload) < s.deadletter_payload_max_bytes)
    assert kept == sent_bad, "each bad message's bytes are in its dead letter"
    assert all("cat cat" not in d.error for d in dead.values()), "errors never quote the prompt"
    blocked = {a.request_id for a in out.of(EnforcementAction) if a.action.value == "block_generation"}
    assert {h.request_id for h in huge} <= blocked
