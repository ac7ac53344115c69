"""Progress: the structured lines a scheduled run writes."""

import io
import json
import time

from audit.progress import Progress


def _finished(log: io.StringIO) -> dict[str, dict]:
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    return {r["stage"]: r for r in lines if r["event"] == "stage_finished"}


def test_a_finished_stage_reports_its_wall_and_cpu_seconds():
    log = io.StringIO()
    progress = Progress(stream=log, interactive=False)
    with progress.stage("waiting"):
        time.sleep(0.3)
    with progress.stage("working"):
        deadline = time.process_time() + 0.3
        while time.process_time() < deadline:
            pass
    finished = _finished(log)
    # a stage that sleeps takes wall time and next to no CPU time
    assert finished["waiting"]["seconds"] >= 0.3
    assert finished["waiting"]["cpu_seconds"] < 0.1
    # one that computes takes CPU time, at most as much as its wall time on one thread
    assert 0.3 <= finished["working"]["cpu_seconds"] <= finished["working"]["seconds"] + 0.05
