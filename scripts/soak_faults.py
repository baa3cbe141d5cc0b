"""The fault tests at full size, by hand: the same test code as tests/faults, bigger numbers.

    .venv/bin/python scripts/soak_faults.py                       # everything, about 5 minutes here
    .venv/bin/python scripts/soak_faults.py --only kill,malformed  # a subset

CI runs tests/faults with 2,000 prompts per kill test and 960 malformed messages; here the kill
and takeover tests send 20,000 prompts, the malformed test 10,000 bad messages among 5,000 good
ones, and the broker freeze runs under five times the traffic. One embedded broker for the
whole run; each test makes its own topics, workers and folders, and stops what it started.
Worker memory over 100,000 prompts is ``modstream bench --rss 100000``.
Exit status 1 if any test failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# After the path fix, so the repository's packages load when run as a script.
from ops.broker import EmbeddedBroker
from tests.faults import test_broker_pause_broker as pause
from tests.faults import test_malformed_broker as malformed
from tests.faults import test_replay_broker as replay
from tests.faults import test_worker_kill_broker as kill

TIMEOUT = 900  # seconds for any one wait: 20,000 prompts at a few hundred a second, on a busy machine


def _sizes() -> None:
    kill.N = 20_000
    malformed.GOOD, malformed.BAD_PER_KIND = 5_000, 1_250  # 8 kinds: 10,000 bad, plus the megabyte prompts
    pause.RATE = 200.0
    for module in (kill, malformed, pause, replay):
        module.TIMEOUT = TIMEOUT


def _tests(broker: EmbeddedBroker) -> dict[str, Callable[[Path], None]]:
    on_broker = {
        "kill": kill.test_a_worker_killed_mid_stream_and_restarted_decides_every_prompt,
        "takeover": kill.test_when_one_of_two_workers_is_killed_the_other_takes_over_its_partitions,
        "malformed": malformed.test_malformed_messages_are_dead_lettered_exactly_and_good_ones_decided,
        "replay": replay.test_replaying_from_the_beginning_issues_the_same_ids_and_nothing_new,
    }
    tests: dict[str, Callable[[Path], None]] = {
        name: (lambda tmp, fn=fn: fn(broker, tmp)) for name, fn in on_broker.items()
    }
    tests["pause"] = pause.test_worker_recovers_after_the_broker_is_frozen_and_nothing_is_lost  # its own broker
    return tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated: kill,takeover,pause,malformed,replay")
    args = parser.parse_args(argv)
    _sizes()
    failed = []
    with tempfile.TemporaryDirectory(prefix="soak-") as root, \
            EmbeddedBroker(log_path=Path(root) / "broker.log") as broker:
        tests = _tests(broker)
        chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(tests)
        for name in chosen:
            tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
            start = time.monotonic()
            try:
                tests[name](tmp)
                print(f"PASS {name} in {time.monotonic() - start:.0f} s", flush=True)
            except Exception:  # report every test, then the exit status says whether any failed
                failed.append(name)
                print(f"FAIL {name} after {time.monotonic() - start:.0f} s\n{traceback.format_exc()}", flush=True)
    print(f"{len(chosen) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
