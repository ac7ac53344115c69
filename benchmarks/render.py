"""The benchmark's reports stage: the four PDFs of a month that was run.

    python -m benchmarks.render 2026-10 OUT_DIR

Renders from the published warehouse with the month's run manifest, through the
same ``report.render_month`` the monthly run calls (violations CSV attached).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from audit import config as config_mod
from audit import outputs, report
from audit.warehouse import Warehouse


def main(argv: list[str]) -> int:
    month = date.fromisoformat(argv[0] + "-01")
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    config = config_mod.load()
    con = Warehouse(config).connect_read()
    try:
        manifest = report.run_manifest(con, month)
        csv = outputs.write_violations_csv(con, month, out / "violations.csv")
        for pdf in report.render_month(con, config, month, manifest, out, attachments=[csv]):
            print(pdf)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
