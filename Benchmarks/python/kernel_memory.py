"""Per-kernel memory: what one student's Swift (Inference) kernel holds, for sizing a JupyterHub.

    python3 Benchmarks/python/kernel_memory.py [--kernel swift-inference] [--cold] [notebooks ...]

For each lecture notebook (default notebooks/*.ipynb) a fresh kernel is started through jupyter_client in
the notebook's folder, as JupyterLab starts it; then every code cell runs in order. Printed per notebook,
in MiB: the resident memory (RSS) of the kernel process and of its worker at idle after start and after
the last cell, their proportional set size (PSS: shared pages split between the processes that map them,
which is what adds up across many kernels), the worker's peak (VmHWM), and the peak of the whole process
tree while the notebook ran, sampled every 20 ms — it includes the compiler and linker each new cell
runs, which is what a container's memory limit must allow for.

`--cold` gives every kernel an empty build cache of its own (SWIFT_INFERENCE_CACHE), so every cell is
compiled, as for a student's first run; without it the user's cache answers cells compiled before.
Needs the kernelspec installed (`make install`, or JUPYTER_PATH pointing at an install prefix).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

MIB = 1024 * 1024


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree = children_of()
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += tree.get(current, [])
    return found


def field_kib(pid: int, file: str, field: str) -> int:
    """A `Field:   N kB` line of /proc/PID/<file>, in KiB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def status_kib(pid: int, field: str) -> int:
    return field_kib(pid, "status", field)


def pss_kib(pid: int) -> int:
    return field_kib(pid, "smaps_rollup", "Pss")


def command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return os.path.basename(f.read().split(b"\0")[0].decode())
    except OSError:
        return ""


def snapshot(kernel_pid: int) -> dict[str, float]:
    """RSS and PSS of the kernel and its worker, in MiB."""
    worker = [p for p in descendants(kernel_pid) if command(p) == "swift-inference-worker"]
    result = {"kernel_rss": status_kib(kernel_pid, "VmRSS") / 1024, "kernel_pss": pss_kib(kernel_pid) / 1024}
    result["worker_rss"] = sum(status_kib(p, "VmRSS") for p in worker) / 1024
    result["worker_pss"] = sum(pss_kib(p) for p in worker) / 1024
    result["worker_hwm"] = sum(status_kib(p, "VmHWM") for p in worker) / 1024
    return result


class TreePeak(threading.Thread):
    """Samples the summed RSS of a process tree until stopped; keeps the largest."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            self.peak = max(self.peak, sum(status_kib(p, "VmRSS") for p in descendants(self.pid)))


def run_notebook(kernel: str, notebook: Path, cache: str | None) -> dict[str, object]:
    env = dict(os.environ)
    if cache:
        env["SWIFT_INFERENCE_CACHE"] = cache
    km = KernelManager(kernel_name=kernel)
    km.start_kernel(cwd=str(notebook.parent), env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        pid = km.provisioner.process.pid
        kc.execute_interactive("0", timeout=300, output_hook=lambda msg: None)  # the worker is up and one cell has run
        time.sleep(1)
        idle = snapshot(pid)
        peak = TreePeak(pid)
        peak.start()
        started = time.perf_counter()
        failed = 0
        cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            reply = kc.execute_interactive(source, timeout=600, output_hook=lambda msg: None)
            failed += reply["content"]["status"] != "ok"
        seconds = time.perf_counter() - started
        peak.stopped.set()
        peak.join()
        time.sleep(1)
        after = snapshot(pid)
        return {"idle": idle, "after": after, "tree_peak": peak.peak / 1024, "cells": len(cells),
                "failed": failed, "seconds": seconds}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--kernel", default="swift-inference")
    parser.add_argument("--cold", action="store_true", help="an empty build cache per kernel")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[2]
    notebooks = [Path(p) for p in args.notebooks] or [Path(p) for p in sorted(glob.glob(str(repo / "notebooks/*.ipynb")))]
    print(f"kernel {args.kernel}, {'cold (empty) cache' if args.cold else 'the user cache'}; MiB")
    header = ("notebook", "cells", "s", "idle k+w RSS", "idle k+w PSS", "after k+w RSS", "after k+w PSS",
              "worker peak", "tree peak")
    print(" | ".join(header))
    for notebook in notebooks:
        cache = tempfile.mkdtemp(prefix="swift-inference-memory-") if args.cold else None
        try:
            r = run_notebook(args.kernel, notebook, cache)
        finally:
            if cache:
                shutil.rmtree(cache, ignore_errors=True)
        i, a = r["idle"], r["after"]
        row = [notebook.stem, f"{r['cells']}" + (f" ({r['failed']} failed)" if r["failed"] else ""),
               f"{r['seconds']:.0f}",
               f"{i['kernel_rss']:.0f}+{i['worker_rss']:.0f}", f"{i['kernel_pss']:.0f}+{i['worker_pss']:.0f}",
               f"{a['kernel_rss']:.0f}+{a['worker_rss']:.0f}", f"{a['kernel_pss']:.0f}+{a['worker_pss']:.0f}",
               f"{a['worker_hwm']:.0f}", f"{r['tree_peak']:.0f}"]
        print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()
