"""Does faust's ``processing_guarantee="exactly_once"`` work on the embedded broker? Try it and say.

Starts a broker, a faust app built by ``streams.app.create_app`` with the guarantee switched to
exactly-once (a transactional producer per assigned partition), one pass-through agent; publishes
a few records and reports whether any came out, and the errors the worker logged. Run:
``.venv/bin/python -m ops.bench.exactly_once`` (about 40 s). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ops.broker import EmbeddedBroker
from ops.dev import stop_process
from ops.kafka_admin import create_topics
from ops.settings import Settings
from streams import topics

IN, OUT = topics.PROMPTS_SUBMITTED.name, topics.MODERATION_DECISIONS.name
_ERRORS = re.compile(r"(Error|error|Exception|Traceback|InitProducerId|fenced|transaction)")


def child() -> None:
    """The worker: create_app's app, exactly-once, bytes in -> bytes out."""
    import faust

    from streams.app import create_app

    settings = Settings()
    app = create_app(settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # set before any topic or agent exists, so nothing used the old value
        app.conf.processing_guarantee = "exactly_once"
    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
    source, sink = app.topic(settings.topic(IN), **raw), app.topic(settings.topic(OUT), **raw)

    @app.agent(source, name="passthrough")
    async def passthrough(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await sink.send(key=event.key, value=event.value)

    sys.argv = sys.argv[:1]
    faust.Worker(app, loglevel="INFO", quiet=True, override_logging=True).execute_from_commandline()


def probe(wait: float = 30.0, records: int = 5) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker(log_path=Path(tmp) / "broker.log") as broker:
        tag = uuid.uuid4().hex[:6]
        s = Settings(broker=broker.bootstrap, topic_prefix=f"eos-{tag}.", app_id=f"eos-{tag}", data_dir=Path(tmp),
                     partitions=2, store="memory://")
        create_topics(s.bootstrap, topics.specs(s))
        log_path = Path(tmp) / "worker.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "ops.bench.exactly_once", "--child"],
                                    env={**os.environ, **s.as_env()}, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            producer = KafkaProducer(bootstrap_servers=s.bootstrap, acks="all")
            for i in range(records):
                producer.send(s.topic(IN), key=f"k{i}".encode(), value=b"x")
            producer.flush()
            producer.close()
            consumer = KafkaConsumer(bootstrap_servers=s.bootstrap, enable_auto_commit=False,
                                     isolation_level="read_committed", auto_offset_reset="earliest")
            consumer.assign([TopicPartition(s.topic(OUT), p) for p in range(s.partitions)])
            got, deadline = 0, time.monotonic() + wait
            while got < records and time.monotonic() < deadline and proc.poll() is None:
                got += sum(len(r) for r in consumer.poll(500).values())
            consumer.close()
        finally:
            alive = proc.poll() is None
            stop_process(proc)
        lines = log_path.read_text(errors="replace").splitlines()
        errors = [line.strip()[:240] for line in lines if _ERRORS.search(line)]
    return {"guarantee": "exactly_once", "records_in": records, "records_out_read_committed": got,
            "worker_alive_at_end": alive, "works": got == records, "first_errors": errors[:8]}


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        print(json.dumps(probe(), indent=2))
