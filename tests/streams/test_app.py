"""Table storage options: bounded RocksDB memory, and prompt_context's TTL in store and changelog."""

from __future__ import annotations

import time
from pathlib import Path

from faust.stores.rocksdb import RocksDBOptions

from ops.settings import Settings
from streams import topics
from streams.app import table_options


def test_table_options_bound_rocksdb_memory() -> None:
    options = table_options(Settings(table_write_buffer_mib=4, table_block_cache_mib=16))
    assert options == {"write_buffer_size": 4 * 2**20, "block_cache_size": 16 * 2**20}
    assert "ttl" not in options  # only a table given a TTL forgets


def test_a_table_with_a_ttl_forgets_old_entries_at_compaction(tmp_path: Path) -> None:
    # The same path faust's rocksdb store takes: its RocksDBOptions, built from our options.
    db = RocksDBOptions(**table_options(Settings(), ttl_s=1), use_rocksdict=True).open(tmp_path / "ctx.db")
    try:
        db[b"req-old"] = b"{}"
        time.sleep(2.2)  # RocksDB's TTL has a resolution of seconds
        db[b"req-new"] = b"{}"
        db.flush()
        db.compact_range(None, None)
        assert db.get(b"req-old") is None
        assert db.get(b"req-new") == b"{}"
    finally:
        db.close()


def test_prompt_context_changelog_deletes_what_its_store_forgets() -> None:
    s = Settings(prompt_context_ttl_s=3_600)
    config = {spec.name: dict(spec.config) for spec in topics.specs(s)}
    assert config[topics.changelog(s, "prompt_context")] == {"cleanup.policy": "compact,delete", "retention.ms": "3600000"}
    # State that must outlive any TTL stays compacted only.
    assert config[topics.changelog(s, "user_state")] == {"cleanup.policy": "compact"}
