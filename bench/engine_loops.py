"""Loops must not degrade: task completion time and snapshot size at revision rounds 1, 100 and
1,000 of one invoice (each round: the manager sends it back, the initiator hands in a new
document). Target: round 1,000 within 1.5x of round 1 on both.

Run: .venv/bin/python bench/engine_loops.py   (PostgreSQL too with INVOICEFLOW_TEST_DATABASE_URL)
"""
from __future__ import annotations

import statistics
import time

from sqlalchemy import select

from common import PDF, backends, fresh_engine, open_task_id, start_invoice

from engine.models import ProcessInstance

CHECKPOINTS = (1, 100, 1000)
SAMPLE = 5  # rounds measured around each checkpoint (the median is printed)


def snapshot_size(engine, instance_id: str) -> int:
    with engine.database.read_only() as session:
        snapshot = session.scalar(select(ProcessInstance.snapshot).where(ProcessInstance.id == instance_id))
    return len(snapshot.encode("utf-8"))


def one_round(engine, instance_id: str) -> float:
    """Complete the manager's revise and the initiator's revision; return ms per completion."""
    elapsed = 0.0
    for actor in ("petrov", "ivanova"):
        answer = ({"decision": "revise", "comment": "ещё раз"} if actor == "petrov"
                  else {"document": engine.upload(PDF, "v.pdf", actor)["id"]})
        task_id = open_task_id(engine, actor, instance_id)
        began = time.perf_counter()
        engine.complete(task_id, answer, actor)
        elapsed += time.perf_counter() - began
    return elapsed * 1000 / 2


def measure(url: str) -> dict[int, tuple[float, int]]:
    engine = fresh_engine(url)
    instance_id = start_invoice(engine)
    results, window = {}, []
    for round_no in range(1, max(CHECKPOINTS) + SAMPLE):
        window.append(one_round(engine, instance_id))
        for checkpoint in CHECKPOINTS:
            if round_no == checkpoint + SAMPLE - 1:
                results[checkpoint] = (statistics.median(window[-SAMPLE:]), snapshot_size(engine, instance_id))
    engine.database.dispose()
    return results


def main() -> None:
    for name, url in backends():
        results = measure(url)
        first_ms, first_size = results[1]
        for checkpoint, (ms, size) in sorted(results.items()):
            print(f"{name:<10} round {checkpoint:>5}: complete {ms:6.2f} ms ({ms / first_ms:4.2f}x)"
                  f"  snapshot {size:>7} bytes ({size / first_size:4.2f}x)")


if __name__ == "__main__":
    main()
