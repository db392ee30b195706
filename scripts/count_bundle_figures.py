#!/usr/bin/env python3
"""Count the bundled programme's money values and observations.

Usage: python3 scripts/count_bundle_figures.py [DATA_DIR]

A money value is a non-empty euro cell: a fund's amount, a contribution, an operation's cost, a
financing line's requested/granted/committed/paid, and the value of an observation or target of an
indicator whose unit is euros. Standard library only.
"""

import csv
import sys
from pathlib import Path

MONEY_COLUMNS = {
    "funds.csv": ["amount"],
    "fund_contributions.csv": ["amount"],
    "operations.csv": ["cost_ht", "cost_ttc"],
    "financing.csv": ["requested", "granted", "committed", "paid"],
}


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "data" / "erbm"
    counts = {}
    for name, columns in MONEY_COLUMNS.items():
        counts[name] = sum(1 for r in rows(data / name) for c in columns if (r.get(c) or "").strip())
    euro_indicators = {r["code"] for r in rows(data / "indicators.csv") if r["unit"] == "euros"}
    observations = rows(data / "observations.csv")
    counts["observations.csv (euros)"] = sum(1 for r in observations if r["indicator"] in euro_indicators)
    counts["targets.csv (euros)"] = sum(
        1 for r in rows(data / "targets.csv") if r["indicator"] in euro_indicators
    )
    for name, n in counts.items():
        print(f"{name}: {n}")
    print(f"amounts: {sum(counts.values())}")
    print(f"observations: {len(observations)}")


if __name__ == "__main__":
    main()
