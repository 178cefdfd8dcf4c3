"""`%install` timing through jupyter_client: a package's first install, and a second kernel's install of it.

    python3 Benchmarks/python/install_bench.py [--runs 3] [--bin .build/release/swift-inference]

Each run writes a small local package whose source carries the run's salt (so its cache key is new and
SwiftPM really builds it), then:

- "first install": a kernel runs `%install .package(path: …) Product`; the time is the cell's round trip,
  from execute_request to execute_reply (SwiftPM's build of the wrapper and the package, copying into the
  cache, the link cell, loading it into the worker);
- "second kernel": a new kernel with the same cache runs the same `%install` (a cache hit: no build), and
  then `import` and a call, to show it works.

The kernelspec is installed into a temporary prefix from the executable (as the e2e tests do), and the
build cache is a temporary folder, so the user's own set-up is neither read nor changed. Prints the
median of the runs and every run's figures.

Measured on the 2-core development machine while other builds ran (load ≈ 4), 5 runs: first install
2.02–2.61 s (median 2.39 s), second kernel 0.008 s (median): a cache hit hashes the package's folder,
checks the record's SHA-256s and loads the link cell from the cell cache; no compiler or SwiftPM runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

MANIFEST = """// swift-tools-version:5.9
import PackageDescription
let package = Package(
    name: "Bench",
    products: [.library(name: "Bench", targets: ["Bench"])],
    targets: [.target(name: "Bench")])
"""


def timed_cell(kc, code: str, timeout: float = 1800) -> tuple[float, str, dict | None]:
    out = {"stdout": "", "error": None}

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out["stdout"] += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            out["error"] = msg["content"]

    t0 = time.perf_counter()
    reply = kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    took = time.perf_counter() - t0
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {code!r}: {out['error']}")
    return took, out["stdout"], out["error"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin", default=os.environ.get("SWIFT_INFERENCE_BIN", str(REPO / ".build/release/swift-inference")))
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="swift-inference-install-bench-"))
    try:
        prefix, cache = scratch / "prefix", scratch / "cache"
        subprocess.run([args.bin, "install", "--prefix", str(prefix)], check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        os.environ["SWIFT_INFERENCE_CACHE"] = str(cache)
        from jupyter_client.manager import start_new_kernel

        first, second = [], []
        for run in range(args.runs):
            package = scratch / f"Bench{run}"
            (package / "Sources" / "Bench").mkdir(parents=True)
            (package / "Package.swift").write_text(MANIFEST)
            salt = uuid.uuid4().hex
            (package / "Sources" / "Bench" / "Bench.swift").write_text(
                f"// run {salt}\npublic func twice(_ x: Int) -> Int {{ 2 * x }}\n")
            line = f'%install .package(path: "{package}") Bench'
            for figures, expected in ((first, "Built in"), (second, "Found in the package cache")):
                km, kc = start_new_kernel(kernel_name="swift-inference", startup_timeout=120)
                try:
                    timed_cell(kc, "1 + 1")  # warm-up: the worker is up, trivial cells cached
                    took, stdout, _ = timed_cell(kc, line)
                    if expected not in stdout:
                        raise RuntimeError(f"expected {expected!r} in the output: {stdout}")
                    timed_cell(kc, "import Bench\ntwice(21)")
                    figures.append(took)
                finally:
                    kc.stop_channels()
                    km.shutdown_kernel(now=True)
            print(f"run {run + 1}: first install {first[-1]:.2f} s, second kernel {second[-1]:.2f} s", flush=True)
        print(f"median of {args.runs} runs: first install {statistics.median(first):.2f} s, "
              f"second kernel (cache hit) {statistics.median(second):.3f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
