"""Recommended faust transport for the embedded broker: a worker consumer with a short fetch wait.

faust 0.15.3 hard-codes ``fetch_max_wait_ms=1500`` for the worker consumer, and Tansu holds a
multi-partition fetch for the whole wait even when data arrives, so every event waits up to 1.5 s.
This subclass keeps faust's consumer as built and lowers only that one value. The bench uses it;
the app should carry its own copy (see EMBEDDED_BROKER.md).

Use it with ``register()`` and a ``tansu://host:port`` broker URL.
"""

from __future__ import annotations

from typing import Any

import aiokafka
from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

__all__ = ["SCHEME", "FETCH_MAX_WAIT_MS", "Transport", "register"]

SCHEME = "tansu"
FETCH_MAX_WAIT_MS = 100


class ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """faust's consumer thread, with the worker consumer's fetch wait lowered."""

    fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS

    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka keeps the value here until start() builds its Fetcher; fail loudly if that changes.
        if not isinstance(getattr(consumer, "_fetch_max_wait_ms", None), int):
            raise RuntimeError("aiokafka.AIOKafkaConsumer no longer has _fetch_max_wait_ms; re-check this override")
        consumer._fetch_max_wait_ms = self.fetch_max_wait_ms
        return consumer


class Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    """faust's aiokafka transport with :class:`Consumer` swapped in."""

    Consumer = Consumer


def register(scheme: str = SCHEME) -> None:
    """Make ``scheme://host:port`` broker URLs use :class:`Transport` (idempotent)."""
    drivers.TRANSPORTS.aliases[scheme] = f"{__name__}:Transport"
