"""Issue 7: a fetch waiting while table recovery empties faust's active set must not lose records.

faust 0.15.3 passes its live set of active partitions to aiokafka, which reads it when it drains
and treats an empty set as "every partition". Recovery empties the set for a moment; a fetch in
flight then returned a paused stream partition's records, faust dropped them as inactive, and the
partition's offsets had moved on. No broker here: the race is replayed with a stand-in fetcher.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace
from typing import Any

from aiokafka import TopicPartition
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from streams.app import _ShortFetchConsumerThread

PROMPTS = TopicPartition("prompts.submitted", 1)
CHANGELOG = TopicPartition("app-user_risk-changelog", 1)


class _Record(SimpleNamespace):
    offset: int


class _Fetcher:
    """aiokafka's Fetcher.fetched_records as far as it matters: drain at wake-up, empty set = all."""

    def __init__(self, buffered: dict[TopicPartition, list[_Record]], during_wait: Any):
        self._closed = False
        self._subscriptions = SimpleNamespace(fetch_context=contextlib.nullcontext)
        self.buffered, self.during_wait = buffered, during_wait

    async def fetched_records(self, partitions: set, timeout: float = 0, max_records: int | None = None) -> dict:
        self.during_wait()  # recovery runs while the fetch waits for data
        await asyncio.sleep(0)
        return {tp: self.buffered.pop(tp) for tp in list(self.buffered) if not partitions or tp in partitions}


class _Consumer:
    def __init__(self, fetcher: _Fetcher):
        self._fetcher, self._closed = fetcher, False
        self.positions = {PROMPTS: 651, CHANGELOG: 17}  # after the drain
        self.seeks: list[tuple[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return {PROMPTS, CHANGELOG}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))
        self.positions[tp] = offset


def _race(thread_cls: type) -> tuple[dict, _Consumer, set]:
    faust_consumer = SimpleNamespace(flow_active=True, _buffered_partitions=set())
    live = {CHANGELOG}  # recovery reads the changelog; the stream partition is paused

    def recovery_done() -> None:
        live.discard(CHANGELOG)  # "Done reading from changelog topics": the set is now empty

    fetcher = _Fetcher({PROMPTS: [_Record(offset=o) for o in range(651)],
                        CHANGELOG: [_Record(offset=o) for o in range(12, 17)]}, recovery_done)
    consumer = _Consumer(fetcher)
    thread = object.__new__(thread_cls)
    thread.consumer = faust_consumer
    records = asyncio.run(thread._fetch_records(consumer, live, timeout=1.0, max_records=500))
    # What faust's Consumer.getmany then yields; anything else it drops.
    delivered = {tp: recs for tp, recs in records.items() if tp in live}
    return delivered, consumer, live


def test_stock_faust_drains_a_paused_partition_when_the_active_set_empties() -> None:
    # The bug as shipped. If this starts failing, faust fixed it: drop the override in streams/app.py.
    delivered, consumer, _ = _race(AIOKafkaConsumerThread)
    assert delivered == {}
    assert consumer.seeks == []  # 651 prompts consumed, none delivered, position left at 651


def test_a_paused_partition_is_not_drained_and_a_dropped_batch_is_put_back() -> None:
    delivered, consumer, _ = _race(_ShortFetchConsumerThread)
    assert delivered == {}
    assert consumer.positions[PROMPTS] == 651  # never drained: the prompts are still buffered
    assert PROMPTS in consumer._fetcher.buffered
    assert consumer.seeks == [(CHANGELOG, 12)]  # drained while being paused: rewound, not lost
