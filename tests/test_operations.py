"""Monthly operations with real processes: readers beside a run, kill -9, two runs at once.

These drive the installed ``audit`` command in subprocesses on a small
generated portfolio, because a lock, a symlink swap and a kill -9 can only be
tested across processes.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from audit.errors import EXIT_LOCKED, EXIT_OK, EXIT_VIOLATIONS_ABOVE_THRESHOLD

AUDIT = [sys.executable, "-m", "audit"]
pytestmark = pytest.mark.slow

RESULT_TABLES = {
    "violations": "select * exclude (run_id) from violations order by all",
    "risk_flags": "select * exclude (run_id) from risk_flags order by all",
    "violation_summary": "select * from violation_summary order by all",
    "account_month": "select * from account_month order by all",
    "roll_rates": "select * from roll_rates order by all",
    "recovery": "select * from recovery order by all",
    "contact_activity": "select * from contact_activity order by all",
    "contacts": "select * exclude (load_id) from contacts order by all",
}


def audit(project: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*AUDIT, *args], cwd=project, capture_output=True, text=True, check=False, **kwargs
    )


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    result = subprocess.run(
        [*AUDIT, "sample", "--out", str(out), "--accounts", "60", "--months", "3", "--seed", "11"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def new_project(root: Path, exports: Path, months: list[str] | None = None) -> Path:
    """A project whose exports folder holds all files, or only those of ``months``."""
    root.mkdir(parents=True)
    assert audit(root, "init", ".").returncode == 0
    (root / "exports").rmdir()
    shutil.copytree(exports, root / "exports")
    if months is not None:
        for path in (root / "exports").glob("*"):
            if ("contacts" in path.name or "催收记录" in path.name) and not any(
                m in path.name for m in months
            ):
                path.unlink()
    return root


def snapshot(project: Path) -> dict[str, list]:
    con = duckdb.connect(str(project / "warehouse" / "current.duckdb"), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in RESULT_TABLES.items()}
    finally:
        con.close()


def latest_month(exports: Path) -> str:
    names = sorted(p.stem.split("_")[-1] for p in exports.glob("contacts_*.csv"))
    return names[-1]


def test_reader_sees_old_state_until_it_reconnects(tmp_path, exports):
    month = latest_month(exports)
    project = new_project(tmp_path / "p", exports)
    assert audit(project, "run", "--month", "2026-09", "--no-report").returncode == EXIT_OK
    reader = duckdb.connect(str(project / "warehouse" / "current.duckdb"), read_only=True)
    before = reader.execute("select max(month)::varchar, count(*) from runs").fetchall()
    assert before == [("2026-09-01", 1)]
    done = audit(project, "run", "--month", month, "--no-report")
    assert done.returncode in (EXIT_OK, EXIT_VIOLATIONS_ABOVE_THRESHOLD), done.stderr
    # the open connection still answers from the version it opened, consistently
    assert reader.execute("select max(month)::varchar, count(*) from runs").fetchall() == before
    assert reader.execute(
        "select count(*) from violations where month > '2026-09-01'"
    ).fetchall() == [(0,)]
    reader.close()
    reader = duckdb.connect(str(project / "warehouse" / "current.duckdb"), read_only=True)
    assert reader.execute("select max(month)::varchar, count(*) from runs").fetchall() == [
        (f"{month}-01", 2)
    ]
    reader.close()


def test_two_runs_at_once_one_waits_out(tmp_path, exports):
    project = new_project(tmp_path / "p", exports)
    month = latest_month(exports)
    first = subprocess.Popen(
        [*AUDIT, "run", "--month", month, "--no-report"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = project / "warehouse" / "audit.lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text()):
        time.sleep(0.02)
    second = audit(project, "run", "--month", month, "--no-report")
    first.communicate(timeout=300)
    assert first.returncode == EXIT_OK
    assert second.returncode == EXIT_LOCKED
    assert "is busy: run " in second.stderr
    assert f"pid {first.pid}" in second.stderr


def test_kill_9_at_random_points_then_a_clean_run(tmp_path, exports):
    """Ten runs killed at random moments; the next clean run equals an uninterrupted one."""
    month = latest_month(exports)
    reference = new_project(tmp_path / "reference", exports)
    started = time.monotonic()
    assert audit(reference, "run", "--month", month).returncode == EXIT_OK
    duration = time.monotonic() - started
    expected = snapshot(reference)

    project = new_project(tmp_path / "killed", exports)
    rng = random.Random(20261128)
    published = None
    for attempt in range(10):
        proc = subprocess.Popen(
            [*AUDIT, "run", "--month", month],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, duration * 0.95))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        current = project / "warehouse" / "current.duckdb"
        if current.exists():
            state = snapshot(project)  # whatever is published opens and is complete
            if published is not None and proc.returncode == -signal.SIGKILL:
                assert state in (published, expected), f"attempt {attempt}"
            published = state
        month_dir = project / "reports" / month
        if month_dir.exists():
            for path in month_dir.iterdir():
                assert not path.name.endswith(".tmp"), path
                assert path.stat().st_size > 0, path
    final = audit(project, "run", "--month", month)
    assert final.returncode == EXIT_OK, final.stderr
    assert snapshot(project) == expected
    leftovers = [p for p in (project / "warehouse").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert not list((project / "reports").glob(".tmp-*"))
    names = sorted(p.name for p in (project / "reports" / month).iterdir())
    assert names == sorted(p.name for p in (reference / "reports" / month).iterdir())


def test_duckdb_1_5_cli_reads_the_published_warehouse(tmp_path, exports):
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("the duckdb-cli package (1.5) is not installed")
    project = new_project(tmp_path / "p", exports)
    month = latest_month(exports)
    assert audit(project, "run", "--month", month, "--no-report").returncode == EXIT_OK
    out = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            "warehouse/current.duckdb",
            "-c",
            "select count(*) as n from violations",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    con = duckdb.connect(str(project / "warehouse" / "current.duckdb"), read_only=True)
    (n,) = con.execute("select count(*) from violations").fetchall()[0]
    con.close()
    assert out.stdout.split() == ["n", str(n)]
    assert n > 0


def test_alert_threshold_exit_code(tmp_path, exports):
    project = new_project(tmp_path / "p", exports)
    toml = project / "audit.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace("# violation_alert_per_10k = 50.0", "violation_alert_per_10k = 0.0"),
        encoding="utf-8",
    )
    result = audit(project, "run", "--month", latest_month(exports), "--no-report")
    assert result.returncode == EXIT_VIOLATIONS_ABOVE_THRESHOLD, result.stderr
    assert '"event": "run_finished"' in result.stderr
    assert (project / "warehouse" / "current.duckdb").exists()


def test_a_later_run_extends_account_month_to_what_one_run_computes(tmp_path, exports):
    # next month's exports bring October's contacts and two payments of one account:
    # one dated in August (a month the first run stored: the account is computed
    # again) and one in October (a new month)
    payments = (
        "payment_id,account_id,paid_at,amount,channel\n"
        "PMLATE0001,A0000010,2026-08-15T10:00:00+08:00,50.00,bank_transfer\n"
        "PMLATE0002,A0000010,2026-10-20T10:00:00+08:00,30.00,bank_transfer\n"
    )
    later = new_project(tmp_path / "later", exports, months=["2026-08", "2026-09"])
    assert audit(later, "run", "--month", "2026-09", "--no-report").returncode == EXIT_OK
    shutil.copy(exports / "contacts_2026-10.csv", later / "exports")
    (later / "exports" / "payments_2026-10.csv").write_text(payments, encoding="utf-8")
    result = audit(later, "run", "--month", "2026-10", "--no-report")
    assert result.returncode == EXIT_OK, result.stderr
    assert '"how": "extended from 2026-09: ' in result.stderr

    once = new_project(tmp_path / "once", exports)
    (once / "exports" / "payments_2026-10.csv").write_text(payments, encoding="utf-8")
    result = audit(once, "run", "--month", "2026-10", "--no-report")
    assert result.returncode == EXIT_OK, result.stderr
    assert '"how": "computed in full"' in result.stderr

    got, expected = snapshot(later), snapshot(once)
    for table in ("account_month", "roll_rates", "recovery", "contact_activity"):
        assert got[table] == expected[table], table
