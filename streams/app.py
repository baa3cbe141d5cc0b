"""The faust application, configured from Settings, with a consumer tuned for the broker kind."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from ops.settings import Settings


class _ShortFetchConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    # faust 0.15.3 hard-codes fetch_max_wait_ms=1500; the embedded broker holds a fetch covering
    # two or more partitions for that long even when data is there (~240 ms p50 per hop, measured).
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka keeps the value here until start() builds its Fetcher; fail loudly if that changes.
        if not isinstance(getattr(consumer, "_fetch_max_wait_ms", None), int):
            raise RuntimeError("aiokafka consumer has no int _fetch_max_wait_ms; re-check this override")
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms
        return consumer

    async def _fetch_records(
        self, consumer: aiokafka.AIOKafkaConsumer, active_partitions: set[TP] | None,
        timeout: float | None = None, max_records: int | None = None,
    ) -> Mapping[TP, list[Any]]:
        # faust 0.15.3 hands aiokafka its *live* set of active partitions, and aiokafka reads it when
        # it drains its buffer, not when it is called; an empty set there means "every partition".
        # Table recovery empties that set for a moment (changelogs paused once read, standbys and
        # stream partitions not yet resumed). A fetch waiting across that moment drained paused
        # stream partitions; faust dropped those records as inactive, their offsets already consumed,
        # and on a partition nobody had committed yet its seek back to the committed offset is a no-op:
        # the records were never processed (issue 7: 548 and 651 prompts lost, all on one partition).
        if active_partitions is None:  # a client-only app fetches everything, by design
            return await super()._fetch_records(consumer, active_partitions, timeout=timeout, max_records=max_records)
        wanted = set(active_partitions)  # what was asked for, frozen
        if not wanted:
            return {}
        records = dict(await super()._fetch_records(consumer, wanted, timeout=timeout, max_records=max_records))
        # Whatever faust will now drop (paused, revoked or flow stopped while we waited) goes back.
        assigned = consumer.assignment()
        for tp in [tp for tp in records if not self._still_wanted(tp, active_partitions)]:
            batch = records.pop(tp)
            if batch and tp in assigned:
                consumer.seek(tp, batch[0].offset)
        return records

    def _still_wanted(self, tp: TP, active_partitions: set[TP]) -> bool:
        # The test faust's Consumer.getmany applies to each record it is given.
        consumer = self.consumer
        return bool(consumer.flow_active) and (tp in active_partitions or tp in consumer._buffered_partitions)

    async def _highwaters(self, partitions: list[TP]) -> Mapping[TP, int]:
        reported = await super()._highwaters(partitions)
        if not self.app.correct_end_offsets:
            return reported
        return await fetched_end_offsets(self.app.conf.broker[0].authority, reported)


async def fetched_end_offsets(bootstrap: str, reported: Mapping[TP, int], timeout: float = 10.0) -> dict[TP, int]:
    """True end offsets where ListOffsets under-reports (Tansu gives the last batch's base + 1).

    Fetching from one before the reported end returns the last batch whole, and the fetch
    response's highwater is right. Table recovery reads these, so without this a fresh worker
    taking over a partition would recover its table one batch short.
    """
    wanted = {aiokafka.TopicPartition(tp.topic, tp.partition): tp for tp, end in reported.items() if end}
    result = dict(reported)
    if not wanted:
        return result
    probe = aiokafka.AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                      fetch_max_wait_ms=10, client_id="modstream-highwaters")
    await probe.start()
    try:
        probe.assign(list(wanted))
        for atp, tp in wanted.items():
            probe.seek(atp, reported[tp] - 1)
        deadline = time.monotonic() + timeout
        pending = set(wanted)
        while pending and time.monotonic() < deadline:
            await probe.getmany(*pending, timeout_ms=100, max_records=1)
            for atp in list(pending):
                highwater = probe.highwater(atp)
                if highwater is not None:
                    result[wanted[atp]] = max(result[wanted[atp]], highwater)
                    pending.discard(atp)
    finally:
        await probe.stop()
    return result


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ShortFetchConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class ModerationApp(faust.App):
    """faust.App whose worker consumer honours ``Settings.fetch_max_wait``."""

    fetch_max_wait_ms: int = 100
    correct_end_offsets: bool = False

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)


def create_app(settings: Settings) -> ModerationApp:
    """A faust app for ``settings``; agents are added by `streams.agents.build`."""
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = ModerationApp(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap}",
        store=settings.store,
        datadir=str(settings.data_dir / "faust"),
        topic_partitions=settings.partitions,
        # Every topic, changelogs included, is created before the app starts (streams.topics.specs):
        # faust's own declaration gets 4 partitions from Tansu whatever it asks for.
        topic_allow_declare=True,
        topic_disable_leader=True,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval_s,
        broker_request_timeout=max(30.0, settings.session_timeout * 2),
        broker_commit_interval=settings.commit_interval_s,
        # The embedded broker has no idempotent producer; acks=all is at-least-once.
        producer_acks=-1,
        producer_linger=settings.producer_linger_s,
        consumer_auto_offset_reset="earliest",
        # Tansu's end_offsets() under-reports after multi-record batches, so a persisted table
        # offset can sit above the reported highwater; faust would refuse to start on it.
        recovery_consistency_check=settings.broker_kind != "embedded",
        web_enabled=False,
        autodiscover=False,
        loghandlers=[],
    )
    app.fetch_max_wait_ms = settings.fetch_max_wait
    app.correct_end_offsets = settings.broker_kind == "embedded"
    return app


def table_options(settings: Settings, ttl_s: int | None = None) -> dict[str, int]:
    """RocksDB options for one table (a new dict each time: faust's store pops keys from it).

    With ``ttl_s`` (`streams.topics.table_ttl_s`), RocksDB drops entries older than that at
    compaction, and the table's changelog is given the same retention.
    """
    options = {
        "write_buffer_size": settings.table_write_buffer_mib * 2**20,
        "block_cache_size": settings.table_block_cache_mib * 2**20,
    }
    if ttl_s is not None:
        options["ttl"] = ttl_s
    return options
