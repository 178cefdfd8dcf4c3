"""Kernel latency: start to kernel_info_reply, and a trivial cell's round trip, through jupyter_client.

Measures the Swift (Inference) kernel and ipykernel in the same run, on the same machine:

    python3 Benchmarks/python/kernel_latency.py [--runs 5] [--cells 50] [--kernels swift-inference python3]

"Start" is from KernelManager.start_kernel() (process launch) to the first kernel_info_reply, as
jupyter_client's wait_for_ready sees it. "Round trip" is from sending execute_request for a trivial
cell to receiving both its execute_reply and its idle status. The Swift kernel compiles every cell, so
its round trip includes swiftc; a first warm-up cell is not counted for either kernel.
"""
from __future__ import annotations

import argparse
import statistics
import time

from jupyter_client.manager import KernelManager

TRIVIAL = {"swift-inference": "1 + 1", "python3": "1 + 1"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def start_to_kernel_info(name: str) -> tuple[float, KernelManager, object]:
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    # Ask for kernel_info until it is answered (the kernel may not have bound its ports yet).
    while True:
        msg_id = kc.kernel_info()
        try:
            while True:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return time.perf_counter() - t0, km, kc
        except Exception:
            if time.perf_counter() - t0 > 60:
                raise TimeoutError(f"{name} did not answer kernel_info in 60 s")


def round_trip(kc, code: str) -> float:
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    replied = idle = False
    while not (replied and idle):
        if not replied:
            try:
                reply = kc.get_shell_msg(timeout=0.001)
                replied = reply["parent_header"].get("msg_id") == msg_id
            except Exception:
                pass
        if not idle:
            try:
                msg = kc.get_iopub_msg(timeout=0.001)
                idle = (
                    msg["parent_header"].get("msg_id") == msg_id
                    and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                )
            except Exception:
                pass
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="kernel starts per kernel")
    parser.add_argument("--cells", type=int, default=30, help="trivial cells timed per kernel")
    parser.add_argument("--kernels", nargs="+", default=["swift-inference", "python3"])
    args = parser.parse_args()

    print(f"{'kernel':<16} {'start p50':>10} {'start max':>10} {'cell p50':>10} {'cell p95':>10}  (ms)")
    for name in args.kernels:
        starts = []
        cells: list[float] = []
        for run in range(args.runs):
            elapsed, km, kc = start_to_kernel_info(name)
            starts.append(elapsed)
            if run == 0:
                round_trip(kc, TRIVIAL.get(name, "1 + 1"))  # warm-up
                cells = [round_trip(kc, TRIVIAL.get(name, "1 + 1")) for _ in range(args.cells)]
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        print(
            f"{name:<16} {statistics.median(starts) * 1e3:>10.0f} {max(starts) * 1e3:>10.0f} "
            f"{percentile(cells, 50) * 1e3:>10.1f} {percentile(cells, 95) * 1e3:>10.1f}"
        )


if __name__ == "__main__":
    main()
