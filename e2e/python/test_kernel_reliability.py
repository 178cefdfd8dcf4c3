"""The kernel never hangs and never dies with a student's cell, proved through jupyter_client.

Each test drives the installed kernel the way JupyterLab does and checks the three things a front end
needs after any failure: an error reply naming what happened, the kernel going idle, and the next cell
seeing the state of earlier successful cells. Faults are injected for real: top-level `await`, traps,
SIGKILL of the worker process from outside, an interrupt while a cell is suspended in an `await`.
"""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

TIMEOUT = 120
RAW_ADDRESS = re.compile(r"0x[0-9a-f]{8,}")


def run(kc, code: str, timeout: float = TIMEOUT):
    """Executes `code`; returns (reply content, outputs) where outputs are (msg_type, content) pairs."""
    msg_id = kc.execute(code)
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no idle status within {timeout} s for {code!r}"
        msg = kc.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "execute_result", "display_data", "error"):
            outputs.append((kind, msg["content"]))
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply["content"], outputs


def stdout(outputs) -> str:
    return "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == "stdout")


def result(outputs) -> str | None:
    for kind, content in outputs:
        if kind == "execute_result":
            return content["data"].get("text/plain")
    return None


def all_text(outputs) -> str:
    parts = []
    for kind, content in outputs:
        if kind == "stream":
            parts.append(content["text"])
        elif kind == "error":
            parts += [content["ename"], content["evalue"], *content["traceback"]]
    return "\n".join(parts)


def worker_pid(kc) -> int:
    _, outputs = run(kc, "import Foundation\nProcessInfo.processInfo.processIdentifier")
    return int(result(outputs))


def test_async_cells_keep_state_and_never_hang(kernel):
    _, kc = kernel
    run(kc, "func later(_ x: Int) async -> Int { try? await Task.sleep(nanoseconds: 5_000_000); return x }")
    for round in range(3):  # a second async cell in a row hung the kernel for good before
        reply, outputs = run(kc, f"let value{round} = await later({round + 40})\nprint(value{round})")
        assert reply["status"] == "ok", all_text(outputs)
        assert stdout(outputs) == f"{round + 40}\n"
    reply, outputs = run(kc, "value0 + value1 + value2")
    assert reply["status"] == "ok" and result(outputs) == "123"


def test_trap_reports_the_students_message_and_line(kernel):
    _, kc = kernel
    run(kc, "let weights = [0.2, 0.3]")
    reply, outputs = run(kc, "let total = weights.reduce(0, +)\nprecondition(total == 1, \"weights must sum to one\")")
    assert reply["status"] == "error"
    assert reply["evalue"] == "weights must sum to one (line 2)"
    text = all_text(outputs)
    assert not RAW_ADDRESS.search(text), text
    assert "libswiftCore" not in text and "Cell_" not in text, text
    reply, outputs = run(kc, "weights.count")
    assert result(outputs) == "2"


def test_index_out_of_range_names_the_cells_line(kernel):
    _, kc = kernel
    run(kc, "let samples = [0.5, 1.5, 2.5]")
    reply, outputs = run(kc, "let last = samples.count\nlet x = samples[last]\nprint(x)")
    assert reply["status"] == "error"
    assert reply["ename"] == "Fatal error"
    assert reply["evalue"] == "Index out of range (line 2)"
    errors = [content for kind, content in outputs if kind == "error"]
    assert len(errors) == 1 and errors[0]["evalue"] == reply["evalue"]
    assert "Index out of range (line 2)" in errors[0]["traceback"][0]
    text = "\n".join([all_text(outputs), *reply["traceback"]])
    assert not RAW_ADDRESS.search(text), text
    for internal in ("Cell_", "swift-inference-frame", "libswiftCore", ".so", ".swift:", "$s"):
        assert internal not in text, text
    _, outputs = run(kc, "samples.count")
    assert result(outputs) == "3"


def test_worker_killed_mid_cell_and_while_idle(kernel):
    _, kc = kernel
    run(kc, "var kept = 10")
    pid = worker_pid(kc)
    msg_id = kc.execute("import Foundation\nwhile true { usleep(1000) }")
    time.sleep(1.0)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + TIMEOUT
    while True:
        reply = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
        if reply["parent_header"]["msg_id"] == msg_id:
            break
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Killed"
    reply, outputs = run(kc, "kept += 1; kept")
    assert result(outputs) == "11"
    # Killed between cells: the next cell says so and still sees the state.
    os.kill(worker_pid(kc), signal.SIGKILL)
    time.sleep(0.6)
    reply, outputs = run(kc, "kept")
    assert result(outputs) == "11"
    assert "had ended since the last cell" in all_text(outputs)


def test_interrupt_during_await_returns_within_a_second(kernel):
    km, kc = kernel
    run(kc, "let beforeInterrupt = 5")
    msg_id = kc.execute("try await Task.sleep(nanoseconds: 600_000_000_000)")
    time.sleep(1.5)
    asked = time.monotonic()
    km.interrupt_kernel()
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"]["msg_id"] == msg_id:
            break
    waited = time.monotonic() - asked
    assert reply["content"]["status"] == "error"
    assert waited < 1.0, f"interrupt took {waited:.2f} s"
    _, outputs = run(kc, "beforeInterrupt")
    assert result(outputs) == "5"


def test_exit_and_abort_end_the_cell_not_the_kernel(kernel):
    km, kc = kernel
    run(kc, "import Foundation\nlet survivor = 8")
    reply, _ = run(kc, "exit(2)")
    assert reply["status"] == "error" and reply["evalue"] == "the cell called exit(2)"
    reply, _ = run(kc, "abort()")
    assert reply["status"] == "error" and reply["ename"] == "Aborted"
    assert km.is_alive()
    _, outputs = run(kc, "survivor")
    assert result(outputs) == "8"
