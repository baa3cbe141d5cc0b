"""The one settings object: from MODSTREAM_* environment variables, then CLI flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a modstream process can be told. Frozen: build a new one to change it.

    >>> Settings(broker="kafka-1:9092", partitions=12).bootstrap
    'kafka-1:9092'
    """

    model_config = SettingsConfigDict(env_prefix="MODSTREAM_", frozen=True, extra="forbid")

    broker: str = Field("127.0.0.1:9092", description="Kafka bootstrap HOST:PORT[,HOST:PORT]")
    broker_kind: Literal["embedded", "kafka"] = Field(
        "embedded",
        description="'embedded' tunes clients for the Tansu broker's quirks (see README)",
    )
    app_id: str = Field("modstream", description="Consumer group and changelog prefix")
    topic_prefix: str = Field("", description="Prefix for every topic (tests use a unique one)")
    partitions: int = Field(4, ge=1, description="Partitions of every modstream topic")

    # Consumer tuning; None means "the broker kind's default" (see the properties below).
    session_timeout_s: float | None = None
    fetch_max_wait_ms: int | None = None
    heartbeat_interval_s: float = 1.0
    commit_interval_s: float = 1.0
    producer_linger_s: float = Field(0.0, ge=0, description="Producer batching delay (0: send at once)")

    screen_batch_size: int = Field(64, ge=1, description="Prompts screened per batch at most")
    # 2 ms, not 5: p50 at 100/s 12 -> 9 ms and at 500/s 47-55 -> 35 ms, throughput within noise (bench, 2026-11-25).
    screen_batch_window_s: float = Field(0.002, gt=0, description="Wait at most this for a batch (0 would wait for a full one)")
    screen_workers: int = Field(1, ge=0, description="Processes screening prompts beside the event loop (0: in it)")
    # 50 ms: at 100/s p50 18.7/18.4 -> 15.2/16.2 ms and p99 29.3/31.0 -> 26.9/28.7 ms, throughput
    # the same (472/426 vs 448/441/s), two alternating quick benches each (2026-12-05). A backlog
    # waits longer than that, so the pool's core is used where it pays.
    screen_pool_min_lag_ms: float = Field(50.0, ge=0, description="Batches whose oldest prompt waited less are screened in the event loop")
    max_prompt_chars: int = Field(16_384, ge=1, description="Longer prompts are rejected (block)")
    deadletter_payload_max_bytes: int = Field(512 * 1024, ge=0)

    escalation_policy: Path | None = Field(None, description="Escalation policy TOML (default: ops/escalation.toml)")
    screen_images: bool = Field(True, description="Run the image agent (loads the image models)")
    image_workers: int = Field(1, ge=0, description="Processes for image analysis (0: in a thread)")
    image_root: Path | None = Field(None, description="file:// image URIs are read only below this directory")
    image_hosts: tuple[str, ...] = Field((), description="http(s) hosts images may be fetched from")
    hash_banks: tuple[Path, ...] = Field((), description="Known-bad hash bank files (TSV) loaded at start")
    face_gallery_dir: Path | None = Field(None, description="Protected persons' reference photos")
    store: str = Field("rocksdb://", description="faust table store: rocksdb:// (persistent) or memory://")
    # Per table partition: a worker opens one RocksDB per table and partition (24 with 4 partitions).
    # faust's defaults, 64 MiB memtables and a 2 GiB block cache each, were the worker's RSS slope:
    # +0.83 MiB per 1,000 prompts; 4/16 MiB gave +0.39, 1/1 MiB +0.06, at the same throughput
    # (`modstream bench --rss 200000 --set ...`, 2026-12-05). Raise the cache for large user state.
    table_write_buffer_mib: int = Field(1, ge=1, description="RocksDB memtable size per table partition")
    table_block_cache_mib: int = Field(1, ge=1, description="RocksDB block cache per table partition")
    # One entry per prompt: without an end, the store, its changelog and a new worker's recovery
    # time grow with every prompt ever screened. Generation results come seconds after their prompt.
    prompt_context_ttl_s: int = Field(86_400, ge=60, description="How long a prompt's scores wait for its generation results")
    data_dir: Path = Field(Path("var"), description="Worker state and logs")
    metrics_port: int | None = Field(None, description="Serve Prometheus metrics on this port")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_prompts: bool = Field(False, description="Log prompt text (never in production)")

    @field_validator("broker")
    @classmethod
    def _strip_scheme(cls, value: str) -> str:
        return value.removeprefix("kafka://").strip()

    @property
    def bootstrap(self) -> str:
        return self.broker

    @property
    def session_timeout(self) -> float:
        # Tansu completes a group join after ~half the session timeout: keep it short there.
        if self.session_timeout_s is not None:
            return self.session_timeout_s
        return 6.0 if self.broker_kind == "embedded" else 30.0

    @property
    def fetch_max_wait(self) -> int:
        # Tansu holds every fetch for the full wait even when data is there.
        if self.fetch_max_wait_ms is not None:
            return self.fetch_max_wait_ms
        return 10 if self.broker_kind == "embedded" else 100

    @property
    def ready_file(self) -> Path:
        """Holds a worker's pid once it consumes (tables recovered, screening pool warm); removed when it stops."""
        return self.data_dir / "worker.ready"

    def as_env(self) -> dict[str, str]:
        """These settings as MODSTREAM_* variables, to hand to a child process."""
        out = {}
        for name, value in self.model_dump(mode="json", exclude_none=True).items():
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, list):
                value = json.dumps(value)  # pydantic-settings reads complex values as JSON
            out[f"MODSTREAM_{name.upper()}"] = str(value)
        return out

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"
