"""The `swift-inference execute` command line: exit codes, bad input, outputs that nbformat accepts.

The binary is the one conftest.py finds ($SWIFT_INFERENCE_BIN, else what `make` built, else the newest build).
Tests that execute Swift need the cell engine (compiler, worker, support library) next to the binary.
"""
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import find_swift_inference

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "NotebookRunnerTests", "Fixtures")

EXIT = {"success": 0, "cell_error": 1, "timeout": 2, "worker_died": 3, "bad_input": 4, "mismatch": 5}


def binary():
    return str(find_swift_inference())


def execute(*args, cwd=None, timeout=600):
    return subprocess.run([binary(), "execute", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def notebook(cells, kernel=None):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = kernel or {"name": "swift-inference", "display_name": "Swift (Inference)",
                                           "language": "swift"}
    return nb


def write(path, nb):
    with open(path, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    return str(path)


def test_help_documents_every_exit_code():
    result = subprocess.run([binary(), "execute", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for code in (0, 1, 2, 3, 4, 5, 6, 64):
        assert f"\n{code:>3}  " in result.stdout, result.stdout


BAD_INPUTS = {
    "not-json.ipynb": "this is not JSON",
    "v3.ipynb": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}),
    "missing-cells.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}),
    "python.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}),
}
BAD_MESSAGES = {"not-json.ipynb": "not a JSON file", "v3.ipynb": "nbformat 3", "missing-cells.ipynb": "'cells'",
                "python.ipynb": "not Swift"}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_names_file_and_problem_and_writes_nothing(tmp_path, name):
    bad = tmp_path / name
    bad.write_text(BAD_INPUTS[name])
    out = tmp_path / "out"
    result = execute(str(bad), "-o", str(out), "--summary", str(out / "s.json"), cwd=tmp_path)
    assert result.returncode == EXIT["bad_input"], result.stderr
    assert str(bad) in result.stderr and BAD_MESSAGES[name] in result.stderr, result.stderr
    assert not out.exists()
    assert bad.read_text() == BAD_INPUTS[name]


def test_unwritable_output_folder_is_bad_input(tmp_path):
    nb = write(tmp_path / "a.ipynb", notebook([nbformat.v4.new_code_cell("print(1)")]))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = execute(nb, "-o", str(blocker / "out"))
    assert result.returncode == EXIT["bad_input"]
    assert "output folder" in result.stderr and str(blocker) in result.stderr


def test_missing_file_is_bad_input(tmp_path):
    result = execute(str(tmp_path / "nope.ipynb"), "-o", str(tmp_path / "out"))
    assert result.returncode == EXIT["bad_input"]
    assert "nope.ipynb: no such file" in result.stderr


def test_bad_parameter_is_bad_input(tmp_path):
    nb = write(tmp_path / "p.ipynb", notebook([nbformat.v4.new_code_cell("let seed = 1", metadata={"tags": ["parameters"]})]))
    result = execute(nb, "-o", str(tmp_path / "out"), "-p", "seed", "lots")
    assert result.returncode == EXIT["bad_input"]
    assert "seed" in result.stderr and not (tmp_path / "out").exists()


def test_usage_errors_exit_64(tmp_path):
    assert execute().returncode == 64
    assert execute("x.ipynb", "--jobs", "0").returncode == 64
    assert execute("x.ipynb", "--inplace", "-o", "y").returncode == 64


# ---- Executing Swift: needs the cell engine. ----

def run_fixture(tmp_path, name, *args):
    shutil.copy(os.path.join(FIXTURES, name), tmp_path / name)
    out = tmp_path / "out"
    result = execute(str(tmp_path / name), "-o", str(out), *args, cwd=tmp_path)
    return result, out / name


def test_executes_a_notebook_to_valid_nbformat(tmp_path):
    result, output = run_fixture(tmp_path, "hello.ipynb", "--summary", str(tmp_path / "s.json"),
                                 "--junit", str(tmp_path / "j.xml"), "--html", str(tmp_path / "html"))
    assert result.returncode == EXIT["success"], result.stderr
    nb = nbformat.read(str(output), as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.nbformat_minor == 5
    assert nb.metadata.kernelspec.name == "swift-inference"
    assert nb.metadata.language_info.name == "swift"
    greet = nb.cells[1]
    assert greet.execution_count == 1
    assert greet.outputs[0].output_type == "stream" and "hello from Swift" in greet.outputs[0].text
    assert "shell.execute_reply" in greet.metadata.execution
    answer = nb.cells[2]
    assert answer.outputs[-1].output_type == "execute_result"
    assert answer.outputs[-1].data["text/plain"].strip() == "42"
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["exit_code"] == 0 and summary["notebooks"][0]["status"] == "success"
    assert "<testsuites" in (tmp_path / "j.xml").read_text()
    assert "hello from Swift" in (tmp_path / "html" / "hello.html").read_text()


def test_parameters_are_injected_with_types(tmp_path):
    result, output = run_fixture(tmp_path, "parameters.ipynb", "-p", "seed", "7", "-p", "scale", "2")
    assert result.returncode == EXIT["success"], result.stderr
    nb = nbformat.read(str(output), as_version=4)
    nbformat.validate(nb)
    injected = nb.cells[2]
    assert injected.metadata.tags == ["injected-parameters"]
    assert "let scale: Double = 2.0" in injected.source
    assert "seed 7 scale 2.0" in nb.cells[3].outputs[0].text


@pytest.mark.parametrize("source,code,ename", [
    ("let x: Int = \"no\"", EXIT["cell_error"], "CompileError"),
    ("let a = [1]\nprint(a[5])", EXIT["worker_died"], None),
    ("while true {}", EXIT["timeout"], None),
])
def test_failures_stop_with_their_exit_code_and_keep_partial_output(tmp_path, source, code, ename):
    nb = write(tmp_path / "f.ipynb", notebook([
        nbformat.v4.new_code_cell('print("before")'),
        nbformat.v4.new_code_cell(source),
        nbformat.v4.new_code_cell('print("after")'),
    ]))
    result = execute(nb, "-o", str(tmp_path / "out"), "--cell-timeout", "20")
    assert result.returncode == code, result.stderr
    out = nbformat.read(str(tmp_path / "out" / "f.ipynb"), as_version=4)
    nbformat.validate(out)
    assert "before" in out.cells[0].outputs[0].text
    assert out.cells[1].outputs[-1].output_type == "error"
    if ename:
        assert out.cells[1].outputs[-1].ename == ename
    assert out.cells[2].outputs == [] and out.cells[2].execution_count is None


def test_check_passes_on_reproducible_outputs_and_fails_with_a_diff(tmp_path):
    result, output = run_fixture(tmp_path, "hello.ipynb")
    assert result.returncode == 0, result.stderr
    assert execute(str(output), "--check").returncode == EXIT["success"]
    nb = nbformat.read(str(output), as_version=4)
    nb.cells[2].outputs[-1].data["text/plain"] = "41"
    write(output, nb)
    result = execute(str(output), "--check")
    assert result.returncode == EXIT["mismatch"]
    assert "-41" in result.stderr and "+42" in result.stderr


def test_jobs_two_runs_every_notebook(tmp_path):
    paths = []
    for i in range(3):
        paths.append(write(tmp_path / f"n{i}.ipynb", notebook([nbformat.v4.new_code_cell(f"print({i})")])))
    result = execute(*paths, "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    for i in range(3):
        out = nbformat.read(str(tmp_path / "out" / f"n{i}.ipynb"), as_version=4)
        assert out.cells[0].outputs[0].text == f"{i}\n"


def test_inplace_overwrites_only_when_asked(tmp_path):
    nb = write(tmp_path / "a.ipynb", notebook([nbformat.v4.new_code_cell('print("x")')]))
    before = open(nb).read()
    assert execute(nb, "-o", str(tmp_path / "out")).returncode == 0
    assert open(nb).read() == before
    assert execute(nb, "--inplace", "--no-timing").returncode == 0
    out = nbformat.read(nb, as_version=4)
    nbformat.validate(out)
    assert out.cells[0].outputs[0].text == "x\n"
    assert "execution" not in out.cells[0].metadata
    assert sorted(os.listdir(tmp_path)) == ["a.ipynb", "out"]  # no temporary files left behind


def test_raises_exception_tag_and_allow_errors(tmp_path):
    cells = [
        nbformat.v4.new_code_cell('let a = [1]\nprint(a[3])', metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("let y: Int = \"no\""),
        nbformat.v4.new_code_cell('print("reached")'),
    ]
    nb = write(tmp_path / "e.ipynb", notebook(cells))
    stopped = execute(nb, "-o", str(tmp_path / "stop"))
    assert stopped.returncode == EXIT["cell_error"], stopped.stderr
    assert "cell 1 [" in stopped.stderr and "FAILED: CompileError" in stopped.stderr
    allowed = execute(nb, "-o", str(tmp_path / "allow"), "--allow-errors")
    assert allowed.returncode == EXIT["success"], allowed.stderr
    out = nbformat.read(str(tmp_path / "allow" / "e.ipynb"), as_version=4)
    assert [c.outputs[-1].output_type for c in out.cells] == ["error", "error", "stream"]


def test_notebook_timeout_and_cell_timeout_tag(tmp_path):
    spin = "var n = 0\nwhile true { n &+= 1 }"
    tagged = write(tmp_path / "t.ipynb", notebook([
        nbformat.v4.new_code_cell(spin, metadata={"tags": ["timeout=3"]})]))
    result = execute(tagged, "-o", str(tmp_path / "out"), "--summary", str(tmp_path / "s.json"))
    assert result.returncode == EXIT["timeout"], result.stderr
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["notebooks"][0]["failed_cell"]["kind"] == "timedOut"
    whole = write(tmp_path / "w.ipynb", notebook([nbformat.v4.new_code_cell('print("a")'),
                                                   nbformat.v4.new_code_cell(spin)]))
    result = execute(whole, "-o", str(tmp_path / "out2"), "--timeout", "4")
    assert result.returncode == EXIT["timeout"], result.stderr
    assert "notebook time limit" in result.stderr
    out = nbformat.read(str(tmp_path / "out2" / "w.ipynb"), as_version=4)
    assert out.cells[0].outputs[0].text == "a\n" and out.cells[1].outputs[-1].ename == "Timeout"


def test_log_output_streams_cell_output_and_quiet_prints_nothing(tmp_path):
    nb = write(tmp_path / "l.ipynb", notebook([nbformat.v4.new_code_cell('print("streamed line")')]))
    logged = execute(nb, "-o", str(tmp_path / "out"), "--log-output")
    assert "l.ipynb[0]| streamed line" in logged.stderr
    quiet = execute(nb, "-o", str(tmp_path / "out"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
