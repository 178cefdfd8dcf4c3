"""The Jupyter server's share of a browser's latency: a short cell's messages timed through its websocket.

    python3 Benchmarks/python/server_websocket_latency.py [--runs 20] [--kernels swift-inference python3]

Starts `jupyter server` on 127.0.0.1 (private config and runtime folders), starts each kernel through its REST
API and talks to it over `/api/kernels/<id>/channels`, the websocket JupyterLab uses. For each kernel it runs
one cell that sleeps 4 ms and prints a line, `--runs` times (the Swift kernel compiles it once; the runs
after come from its build cache), and prints the medians from sending the request to the `busy` status, to
the printed output and to `idle`. Kernel and cell are the same as through jupyter_client, so what exceeds the
kernel's own figure (Benchmarks/python/kernel_latency.py) is the server's websocket path.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

CELLS = {
    "python3": "import time; time.sleep(0.004); print(1)",
    "swift-inference": "import Foundation\nusleep(4000)\nprint(1)",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def execute_request(code: str) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "bench",
                   "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }


async def run_cell(ws, code: str, timeout: float = 300) -> dict[str, float]:
    """Milliseconds from sending the request to `busy`, the first `stream` and `idle`."""
    request = execute_request(code)
    started = time.perf_counter()
    await ws.write_message(json.dumps(request))
    marks: dict[str, float] = {}
    while True:
        text = await asyncio.wait_for(ws.read_message(), timeout)
        if text is None:
            raise RuntimeError("the server closed the websocket")
        message = json.loads(text)
        if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
            continue
        elapsed = 1000 * (time.perf_counter() - started)
        kind = message["msg_type"]
        if kind == "status":
            kind = message["content"]["execution_state"]
        marks.setdefault(kind, elapsed)
        if kind == "idle":
            return marks


async def measure(base: str, token: str, kernel: str, runs: int) -> None:
    request = urllib.request.Request(f"{base}/api/kernels?token={token}", data=json.dumps({"name": kernel}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        kernel_id = json.load(response)["id"]
    ws = await websocket_connect(HTTPRequest(f"{base.replace('http', 'ws')}/api/kernels/{kernel_id}/channels?token={token}"))
    try:
        await run_cell(ws, CELLS[kernel])  # warm-up (the Swift kernel compiles the cell here)
        rows = []
        for _ in range(runs):
            rows.append(await run_cell(ws, CELLS[kernel]))
            await asyncio.sleep(0.05)
        missing = [k for k in ("busy", "stream", "idle") if any(k not in r for r in rows)]
        if missing:
            raise SystemExit(f"{kernel}: no {missing} message for the cell {CELLS[kernel]!r}: {rows[0]}")
        medians = {k: statistics.median(r[k] for r in rows) for k in ("busy", "stream", "idle")}
        print(f"{kernel:16s} busy {medians['busy']:6.1f}   output {medians['stream']:6.1f}   idle {medians['idle']:6.1f}"
              f"   (ms, medians of {runs})")
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--kernels", nargs="+", default=["swift-inference", "python3"], choices=sorted(CELLS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        port, token = free_port(), secrets.token_hex(16)
        env = dict(os.environ, JUPYTER_CONFIG_DIR=f"{home}/config", JUPYTER_RUNTIME_DIR=f"{home}/runtime")
        command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                   f"--ServerApp.root_dir={home}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("jupyter server did not start")
                    time.sleep(0.3)
            for kernel in args.kernels:
                asyncio.run(measure(base, token, kernel, args.runs))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
