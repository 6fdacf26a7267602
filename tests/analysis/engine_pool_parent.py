"""A server stand-in for test_engine_pool: starts a pool of engine workers, prints their pids, waits.

Run as `python -m tests.analysis.engine_pool_parent` from the repository root; the test kills it
with SIGKILL and watches its workers. The guard matters: spawned workers import this module.
"""

from __future__ import annotations

import time

from analysis import engine_pool

SIZE = 2

if __name__ == "__main__":
    pool = engine_pool.worker_pool(SIZE)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(120)  # never reached in the test: it is killed long before
