"""Prometheus metrics of one worker, in a registry of its own (several apps can share a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server


class Metrics:
    """Counters and latencies the agents update; served on ``Settings.metrics_port`` if set."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "modstream_events_total", "Events handled, by stage and outcome",
            ["stage", "outcome"], registry=self.registry,
        )
        self.decisions = Counter(
            "modstream_decisions_total", "Moderation decisions, by action",
            ["action"], registry=self.registry,
        )
        self.dead_letters = Counter(
            "modstream_dead_letters_total", "Messages sent to the dead-letter topic, by stage and error",
            ["stage", "error_type"], registry=self.registry,
        )
        self.delivery_failures = Counter(
            "modstream_delivery_failures_total", "Failed attempts to deliver events that must not be lost",
            ["topic"], registry=self.registry,
        )
        self.detector_failures = Counter(
            "modstream_detector_failures_total", "Detector exceptions (each one a fail-closed review)",
            ["detector"], registry=self.registry,
        )
        self.screen_seconds = Histogram(
            "modstream_screen_batch_seconds", "Time to screen one batch of prompts",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "modstream_screen_batch_size", "Prompts per screened batch",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=self.registry,
        )

        # From the prompt record's timestamp (the publisher's clock): what the request path waits.
        latency_buckets = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
        self.prompt_queued = Histogram(
            "modstream_prompt_queued_seconds", "Record timestamp to the start of its screening batch",
            buckets=latency_buckets, registry=self.registry,
        )
        self.prompt_decided = Histogram(
            "modstream_prompt_decided_seconds", "Record timestamp to its decision (and any block) handed to the producer",
            buckets=latency_buckets, registry=self.registry,
        )

    def serve(self, port: int) -> None:
        start_http_server(port, registry=self.registry)
