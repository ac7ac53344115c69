"""The benchmark's reports stage: the four PDFs of a month that was run.

    python -m benchmarks.render 2026-10 OUT_DIR

Renders from the published warehouse with the month's run manifest through the
monthly run's report stage (``outputs.write_month``, without metrics.xlsx): the
PDF worker starts first and gets ready while violations.csv is written and the
report data is queried, then lays out the PDFs with the CSV attached.
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
    config = config_mod.load()
    con = Warehouse(config).connect_read()
    try:
        manifest = report.run_manifest(con, month)
        files = outputs.write_month(con, config, month, manifest, out, metrics_xlsx=False)
    finally:
        con.close()
    for path in files:
        if path.suffix == ".pdf":
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
