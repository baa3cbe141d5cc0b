"""The faust worker-consumer fetch-wait override the bench measures (the app carries its own copy).

faust 0.15.3 hard-codes ``fetch_max_wait_ms=1500`` for the worker consumer, and Tansu holds a
multi-partition fetch until that deadline even when records arrive, so an event can wait up to
1.5 s per hop. These subclasses keep faust's consumer exactly as faust builds it and change only
that one value, failing loudly if aiokafka stops keeping it where we set it.
"""

from __future__ import annotations

from typing import Any

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

__all__ = ["App", "FETCH_MAX_WAIT_MS"]

FETCH_MAX_WAIT_MS = 100


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka keeps the value here until start() builds its Fetcher; fail loudly if that changes.
        if not isinstance(getattr(consumer, "_fetch_max_wait_ms", None), int):
            raise RuntimeError("aiokafka.AIOKafkaConsumer has no int _fetch_max_wait_ms; re-check this override")
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms  # type: ignore[attr-defined]
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class App(faust.App):
    """``faust.App`` whose worker consumer uses ``fetch_max_wait_ms`` instead of faust's 1500."""

    fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)
