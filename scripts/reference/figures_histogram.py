"""Reference bin edges for the Figures histogram tests (NumPy's histogram_bin_edges).

Run: python3 scripts/reference/figures_histogram.py
Data: data/faithful.csv, both columns. Paste the printed values into
Tests/FiguresTests/StatisticsTests.swift.
"""
import csv
import pathlib

import numpy as np

root = pathlib.Path(__file__).resolve().parents[2]
with open(root / "data" / "faithful.csv") as f:
    rows = list(csv.reader(f))[1:]
eruptions = np.array([float(r[1]) for r in rows])
waiting = np.array([float(r[2]) for r in rows])

print("numpy", np.__version__)
for name, column in [("eruptions", eruptions), ("waiting", waiting)]:
    for rule in ["sturges", "fd", "scott"]:
        edges = np.histogram_bin_edges(column, bins=rule)
        counts, _ = np.histogram(column, bins=edges)
        print(f"{name} {rule}: {len(edges) - 1} bins, first edge {edges[0]!r}, last edge {edges[-1]!r}, "
              f"width {edges[1] - edges[0]!r}")
        print(f"  counts {counts.tolist()}")
