"""Magics and shell commands through the installed kernel and Jupyter's own client, and through the headless
runner: `%timeit`, `%time`, `%who`/`%whos`, `%reset -f`, `%env`, `%cd`, `!cmd`, `%lsmagic`, and their bad
input (code that does not compile, traps or never ends; a missing command; malformed options)."""
from __future__ import annotations

import json
import re
import subprocess
import time

import nbformat

from conftest import find_swift_inference

TIMEOUT = 300
TIMEIT = re.compile(r"^\d+(\.\d+)? (ns|µs|ms|s) ± \d+(\.\d+)? (ns|µs|ms|s) per loop "
                    r"\(mean ± std\. dev\. of (\d+) runs?, ([\d,]+) loops? each\)\n$")


def run(kc, code, timeout=TIMEOUT):
    """Executes a cell; returns (reply content, stdout, stderr, text/plain result, error content)."""
    found = {"stdout": "", "stderr": "", "result": None, "error": None}

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            found[content["name"]] += content["text"]
        elif kind == "execute_result":
            found["result"] = content["data"].get("text/plain")
        elif kind == "error":
            found["error"] = content

    reply = kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    return reply["content"], found["stdout"], found["stderr"], found["result"], found["error"]


def value(kc, code):
    reply, _, _, result, error = run(kc, code)
    assert reply["status"] == "ok", error
    return result


def test_timeit_prints_ipythons_line_and_leaks_nothing(kernel):
    _, kc = kernel
    run(kc, "var calls = 0\nlet base = 10")
    reply, stdout, _, _, error = run(kc, "%timeit -n 3 -r 2 let inner = base + 1; calls += inner")
    assert reply["status"] == "ok", error
    match = TIMEIT.match(stdout)
    assert match, stdout
    assert (match.group(5), match.group(6)) == ("2", "3")
    assert value(kc, "calls") == "66"
    reply, _, _, _, error = run(kc, "inner")
    assert reply["status"] == "error" and "inner" in error["evalue"]


def test_cell_timeit_chooses_the_loop_count(kernel):
    _, kc = kernel
    reply, stdout, _, _, error = run(kc, "%%timeit var xs = [3, 1, 2]\nxs.sort()")
    assert reply["status"] == "ok", error
    match = TIMEIT.match(stdout)
    assert match, stdout
    assert match.group(5) == "7"
    assert int(match.group(6).replace(",", "")) >= 1000


def test_timeit_bad_input_keeps_the_kernel_and_the_state(kernel):
    km, kc = kernel
    run(kc, "let xs = [1, 2, 3]")
    # Does not compile: the error points at the cell's own line and column.
    reply, _, _, _, error = run(kc, "%timeit xs.count + missingName")
    assert reply["status"] == "error"
    assert error["evalue"].startswith("line 1, column 20: cannot find 'missingName'"), error["evalue"]
    assert "1 | %timeit xs.count + missingName" in error["traceback"]
    # Malformed options.
    reply, _, _, _, error = run(kc, "%timeit -n abc xs.count")
    assert (error["ename"], error["evalue"]) == ("UsageError", "%timeit: -n needs a positive whole number of loops, not 'abc'")
    # Traps.
    reply, _, _, _, error = run(kc, "%timeit -n 1 xs[7]")
    assert reply["status"] == "error" and "Index out of range" in error["evalue"], error
    assert value(kc, "xs.count") == "3"
    # Never ends: the interrupt stops it, and the state stays.
    msg_id = kc.execute("%timeit while xs.count > 0 { _ = xs.count }")
    time.sleep(4)
    km.interrupt_kernel()
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"]["msg_id"] == msg_id:
            break
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    assert value(kc, "xs.count") == "3"


def test_time_reports_and_keeps_definitions(kernel):
    _, kc = kernel
    reply, stdout, _, _, error = run(kc, "%time let fit = (1...100).reduce(0, +)")
    assert reply["status"] == "ok", error
    assert re.fullmatch(r"CPU times: user .+, sys: .+, total: .+\nWall time: \d+(\.\d+)? (ns|µs|ms|s)\n", stdout), stdout
    assert value(kc, "fit") == "5050"
    reply, stdout, _, _, error = run(kc, "%%time\nvar twice = fit * 2\nprint(twice)")
    assert reply["status"] == "ok", error
    assert stdout.startswith("10100\nCPU times: ")
    assert value(kc, "twice") == "10100"


def test_who_whos_and_reset(kernel):
    _, kc = kernel
    _, stdout, _, _, _ = run(kc, "%who")
    assert stdout == "Interactive namespace is empty.\n"
    run(kc, 'let count = 3\nvar label = "mixture"')
    _, stdout, _, _, _ = run(kc, "%who")
    assert stdout == "count\tlabel\n"
    _, stdout, _, _, _ = run(kc, "%whos")
    rows = [line.split() for line in stdout.splitlines()]
    assert rows[0] == ["Variable", "Type", "Data/Info"]
    assert rows[2:] == [["count", "Int", "3"], ["label", "String", "mixture"]]
    reply, _, _, _, error = run(kc, "%reset")
    assert reply["status"] == "error" and "%reset -f" in error["evalue"]
    assert value(kc, "count") == "3"
    reply, _, _, _, error = run(kc, "%reset -f")
    assert reply["status"] == "ok", error
    reply, _, _, _, error = run(kc, "count")
    assert reply["status"] == "error"


def test_env_cd_and_shell(kernel, tmp_path):
    _, kc = kernel
    (tmp_path / "marker.txt").write_text("here\n")
    reply, stdout, _, _, error = run(kc, "%env LECTURE=em mixtures")
    assert reply["status"] == "ok", error
    _, stdout, _, _, _ = run(kc, "%env LECTURE")
    assert stdout == "em mixtures\n"
    reply, stdout, _, _, error = run(kc, f"%cd {tmp_path}")
    assert reply["status"] == "ok", error
    assert stdout == f"{tmp_path.resolve()}\n"
    # The shell runs in that folder, with that environment.
    reply, stdout, _, _, error = run(kc, '!cat marker.txt; echo "$LECTURE"')
    assert reply["status"] == "ok", error
    assert stdout == "here\nem mixtures\n"
    # Output streams while the command runs: the first line arrives before the command ends.
    arrivals = []
    kc.execute_interactive("!echo early; sleep 2; echo late", timeout=TIMEOUT,
                           output_hook=lambda m: m["msg_type"] == "stream" and arrivals.append(time.monotonic()))
    assert len(arrivals) == 2 and arrivals[1] - arrivals[0] > 1.0, arrivals


def test_shell_errors_name_the_exit_status(kernel):
    _, kc = kernel
    reply, _, stderr, _, error = run(kc, "!surely-not-a-command")
    assert reply["status"] == "error"
    assert error["ename"] == "ShellCommandError"
    assert error["evalue"] == "`surely-not-a-command` exited with status 127 (command not found)"
    assert "not found" in stderr
    reply, _, _, _, error = run(kc, "!exit 4")
    assert "status 4" in error["evalue"]
    assert value(kc, "1 + 1") == "2"


def test_lsmagic_and_unknown_magic(kernel):
    _, kc = kernel
    _, stdout, _, _, _ = run(kc, "%lsmagic")
    for usage in ("%timeit [-n <loops>] [-r <runs>] <code>", "%%timeit", "%time <statement>", "%%time", "%who",
                  "%whos", "%reset -f", "%env [NAME | NAME=value]", "%cd [<folder>]", "%install .package(path:", "!<command>"):
        assert usage in stdout, usage
    reply, _, _, _, error = run(kc, "%tiemit 1 + 1")
    assert reply["status"] == "error"
    assert error["ename"] == "UnknownMagic"
    assert error["evalue"].startswith("%tiemit is not a magic this kernel knows; it knows %cd, %env, %install, %lsmagic")


def test_the_headless_runner_runs_magics(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%env RUNNER_FLAG=on"),
        nbformat.v4.new_code_cell("!echo \"flag $RUNNER_FLAG\""),
        nbformat.v4.new_code_cell("%timeit -n 2 -r 1 (1...10).reduce(0, +)"),
    ])
    nb.metadata["kernelspec"] = {"name": "swift-inference", "display_name": "Swift (Inference)", "language": "swift"}
    path = tmp_path / "magics.ipynb"
    path.write_text(json.dumps(nb))
    out = tmp_path / "out"
    done = subprocess.run([str(find_swift_inference()), "execute", str(path), "--output-dir", str(out)],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    cells = json.loads((out / "magics.ipynb").read_text())["cells"]
    texts = ["".join("".join(o.get("text", "")) for o in cell["outputs"]) for cell in cells]
    assert texts[0] == "env: RUNNER_FLAG=on\n"
    assert texts[1] == "flag on\n"
    match = TIMEIT.match(texts[2])
    assert match and (match.group(5), match.group(6)) == ("1", "2"), texts[2]
