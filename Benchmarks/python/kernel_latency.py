"""Kernel latency: start to kernel_info_reply, and a trivial cell's round trip, through jupyter_client.

Measures the Swift (Inference) kernel and ipykernel in the same run, on the same machine:

    python3 Benchmarks/python/kernel_latency.py [--runs 5] [--cells 50] [--kernels swift-inference python3]

"Start" is from KernelManager.start_kernel() (process launch) to the first kernel_info_reply, as
jupyter_client's wait_for_ready sees it. "Round trip" is from sending execute_request for a trivial
cell to receiving both its execute_reply and its idle status. The Swift kernel compiles every cell, so
its round trip includes swiftc. Two cell figures are printed: "new cell" times distinct trivial cells
(`{i} + <run salt>`, new to the build cache: this is what typing a fresh cell costs), and "same cell"
re-runs one trivial cell (the engine's build cache may answer it). A warm-up cell is not counted.

`--session N` (default 200, 0 to skip) then runs one long session of N cells that each declare a new name,
as notebook cells do (`let v_<salt>_<i> = i`, new to the cache), and prints the medians of its first and
last 25 round trips: whether a cell gets slower as the session grows.
"""
from __future__ import annotations

import argparse
import statistics
import time

from jupyter_client.manager import KernelManager



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
    # Ask for kernel_info until it is answered (the kernel may not have bound its ports yet), and until
    # its status messages arrive on iopub too: a subscription that is not connected yet loses them, and a
    # round trip timed before that would wait for an idle status that never comes.
    answered_at = None
    while True:
        msg_id = kc.kernel_info()
        try:
            while answered_at is None:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    answered_at = time.perf_counter() - t0
            while True:
                msg = kc.get_iopub_msg(timeout=0.05)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
                    return answered_at, km, kc
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
    parser.add_argument("--session", type=int, default=200, help="cells in the long session (0: none)")
    args = parser.parse_args()

    header = ["start p50", "start max", "new p50", "new p95", "same p50", "same p95"]
    print(f"{'kernel':<16}" + "".join(f"{h:>10}" for h in header) + "  (ms)")
    for name in args.kernels:
        starts = []
        fresh: list[float] = []
        same: list[float] = []
        for run in range(args.runs):
            elapsed, km, kc = start_to_kernel_info(name)
            starts.append(elapsed)
            if run == 0:
                round_trip(kc, "0 + 1")  # warm-up
                salt = int(time.time() * 1000) % 1_000_000_007
                fresh = [round_trip(kc, f"{i} + {salt}") for i in range(1, args.cells + 1)]
                same = [round_trip(kc, "1 + 1") for _ in range(args.cells)]
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        figures = [
            statistics.median(starts), max(starts), percentile(fresh, 50), percentile(fresh, 95),
            percentile(same, 50), percentile(same, 95),
        ]
        print(f"{name:<16}" + "".join(f"{v * 1e3:>10.1f}" for v in figures))

    if args.session > 0:
        window = min(25, args.session)
        print(f"\nlong session, {args.session} cells that each declare a name (median round trip, ms):")
        print(f"{'kernel':<16}{'first ' + str(window):>12}{'last ' + str(window):>12}{'ratio':>8}")
        salt = format(int(time.time() * 1000) % 16**8, "x")
        for name in args.kernels:
            _, km, kc = start_to_kernel_info(name)
            round_trip(kc, "0 + 1")
            times = [round_trip(kc, f"v_{salt}_{i} = {i}" if name == "python3" else f"let v_{salt}_{i} = {i}")
                     for i in range(args.session)]
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            first, last = statistics.median(times[:window]), statistics.median(times[-window:])
            print(f"{name:<16}{first * 1e3:>12.1f}{last * 1e3:>12.1f}{last / first:>8.2f}")


if __name__ == "__main__":
    main()
