"""A new student's first run of lecture 1, with and without the shared warm cache.

    python3 Benchmarks/python/warm_cache_bench.py [--runs 3] [--notebook notebooks/01-kl-divergence.ipynb]

Installs the kernel from the build (`swift-inference install --prefix`, a temporary prefix), warms a shared
cache with `swift-inference warm --cache DIR NOTEBOOK` (timed once, not part of the figures), then times,
`--runs` times each, the whole first run of the notebook in a fresh kernel through nbclient (kernel start
and every cell), as a student who has never run it:

- cold:   an empty cache of the student's own and no shared cache (every cell compiles);
- warm:   an empty cache of the student's own, reading the warm cache (SWIFT_INFERENCE_SHARED_CACHE);
- second: the same student running the notebook again in a fresh kernel (their own cache has every cell).

Each run gets new, private cache folders. Prints every run and the medians, and the warm/second ratio
(the target is at most 2).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def first_run(notebook: Path, own: Path, shared: Path | None) -> float:
    os.environ["SWIFT_INFERENCE_CACHE"] = str(own)
    os.environ["SWIFT_INFERENCE_SHARED_CACHE"] = str(shared) if shared else ""
    nb = nbformat.read(str(notebook), as_version=4)
    client = NotebookClient(nb, kernel_name="swift-inference", timeout=600, startup_timeout=120,
                            resources={"metadata": {"path": str(notebook.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notebook", type=Path, default=ROOT / "notebooks" / "01-kl-divergence.ipynb")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "swift-inference")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="warm-cache-bench-"))
    try:
        prefix = scratch / "prefix"
        subprocess.run([str(args.binary), "install", "--prefix", str(prefix)], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
        installed = prefix / "share" / "swift-inference" / "bin" / "swift-inference"
        shared = scratch / "warm"
        start = time.perf_counter()
        subprocess.run([str(installed), "warm", "--quiet", "--cache", str(shared), str(args.notebook)], check=True)
        print(f"warm step ({args.notebook.name}): {time.perf_counter() - start:.1f} s")

        figures: dict[str, list[float]] = {"cold": [], "warm": [], "second": []}
        for run in range(args.runs):
            cold_cache = scratch / f"cold-{run}"
            figures["cold"].append(first_run(args.notebook, cold_cache, None))
            figures["second"].append(first_run(args.notebook, cold_cache, None))
            figures["warm"].append(first_run(args.notebook, scratch / f"warm-{run}", shared))
            print(f"run {run + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in figures.items()))
        medians = {name: statistics.median(values) for name, values in figures.items()}
        print(f"median of {args.runs}: first run cold {medians['cold']:.2f} s, first run with the warm cache "
              f"{medians['warm']:.2f} s, second run {medians['second']:.2f} s")
        print(f"warm / second = {medians['warm'] / medians['second']:.2f} (target ≤ 2); "
              f"cold / warm = {medians['cold'] / medians['warm']:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
