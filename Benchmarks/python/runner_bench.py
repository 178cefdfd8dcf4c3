"""Benchmark: time `swift-inference execute` on all lecture notebooks, cold (empty build cache) and
from the cache, with --jobs 1 and --jobs 2. Prints one line per configuration.

    python3 Benchmarks/python/runner_bench.py [NOTEBOOK ...] [--repeat N]

The binary is $SWIFT_INFERENCE_BIN, else the newest of .build/{release,debug}/swift-inference.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary():
    explicit = os.environ.get("SWIFT_INFERENCE_BIN")
    if explicit:
        return explicit
    candidates = [os.path.join(ROOT, ".build", kind, "swift-inference") for kind in ("release", "debug")]
    existing = [c for c in candidates if os.path.exists(c)]
    if not existing:
        sys.exit("build the CLI first (swift build -c release) or set SWIFT_INFERENCE_BIN")
    return max(existing, key=os.path.getmtime)


def run(notebooks, jobs, cache, out):
    start = time.perf_counter()
    result = subprocess.run(
        [binary(), "execute", *notebooks, "--jobs", str(jobs), "--cache-dir", cache, "-o", out, "--quiet"],
        capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"execute failed with exit code {result.returncode}:\n{result.stderr}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    notebooks = args.notebooks or sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
    if not notebooks:
        sys.exit("no notebooks found")
    print(f"runner benchmark: {len(notebooks)} notebooks, {args.repeat} repetitions, binary {binary()}")
    print(f"{'configuration':<24} {'median s':>9} {'min s':>8} {'max s':>8}")
    for jobs in (1, 2):
        cold, warm = [], []
        for _ in range(args.repeat):
            work = tempfile.mkdtemp(prefix="runner-bench-")
            try:
                cache = os.path.join(work, "cache")
                cold.append(run(notebooks, jobs, cache, os.path.join(work, "out1")))
                warm.append(run(notebooks, jobs, cache, os.path.join(work, "out2")))
            finally:
                shutil.rmtree(work, ignore_errors=True)
        for label, times in ((f"cold   --jobs {jobs}", cold), (f"cached --jobs {jobs}", warm)):
            print(f"{label:<24} {statistics.median(times):>9.2f} {min(times):>8.2f} {max(times):>8.2f}")


if __name__ == "__main__":
    main()
