"""Proof through Jupyter's own clients: the project's notebooks (and the runner's fixtures) execute with
`jupyter nbconvert --execute`, with `papermill` (with parameters, through a Swift parameter translator
registered the way papermill documents) and with nbclient against the installed
`swift-inference` kernelspec, and every output notebook passes nbformat.validate.

The kernelspec comes from conftest.py's temporary prefix. The nbconvert executions are the session's shared
ones (conftest.py's `nbconvert`): test_notebooks.py compares the lectures' outputs in them with the runner's.
"""
import glob
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from papermill.translators import Translator, papermill_translators

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "NotebookRunnerTests", "Fixtures")
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb"))) + [
    os.path.join(FIXTURES, "hello.ipynb"), os.path.join(FIXTURES, "parameters.ipynb")]
TIMEOUT = 900


@pytest.fixture(scope="module", autouse=True)
def kernelspec():
    specs = KernelSpecManager().find_kernel_specs()
    assert "swift-inference" in specs, f"no swift-inference kernelspec in {sorted(specs)} (conftest.py installs it)"
    return specs["swift-inference"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_nbconvert_executes_and_output_validates(path, nbconvert):
    run = nbconvert(Path(path))
    problem = run.failure("jupyter nbconvert --execute")
    assert problem is None, problem
    out = run.executed()
    nbformat.validate(out)
    code = [c for c in out.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count is not None for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)


class SwiftTranslator(Translator):
    """Papermill's parameter cell in Swift: `let name = literal`, one per line.

    Papermill ships translators for a few languages only; its documented extension point is
    `papermill_translators.register(language, translator)`, used here.
    """

    @classmethod
    def translate_str(cls, val):
        escaped = val.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'

    @classmethod
    def translate_none(cls, val):
        return "nil"

    @classmethod
    def translate_int(cls, val):
        return str(val)

    @classmethod
    def translate_float(cls, val):
        text = repr(float(val))
        return text if ("." in text or "e" in text) else text + ".0"

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_dict(cls, val):
        if not val:
            return "[:]"
        return "[" + ", ".join(f"{cls.translate(k)}: {cls.translate(v)}" for k, v in val.items()) + "]"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"let {name} = {str_val}"


def test_papermill_injects_a_parameter(tmp_path):
    papermill_translators.register("swift", SwiftTranslator)
    source = os.path.join(FIXTURES, "parameters.ipynb")
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(source, str(output), parameters={"seed": 7, "scale": 2.5},
                               kernel_name="swift-inference", execution_timeout=600, progress_bar=False)
    out = nbformat.read(str(output), as_version=4)
    nbformat.validate(out)
    injected = [c for c in out.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "let seed = 7" in injected[0].source
    printed = "".join(o.get("text", "") for c in out.cells for o in c.get("outputs", []))
    assert "seed 7 scale 2.5" in printed


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if os.path.dirname(p).endswith("notebooks")][:1]
                         or [os.path.join(FIXTURES, "hello.ipynb")], ids=os.path.basename)
def test_papermill_runs_a_project_notebook(tmp_path, path):
    output = tmp_path / os.path.basename(path)
    result = subprocess.run(
        ["papermill", "-k", "swift-inference", "--execution-timeout", "600", path, str(output)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr[-4000:]
    nbformat.validate(nbformat.read(str(output), as_version=4))


def test_nbclient_records_timing_and_keeps_state_between_cells(tmp_path):
    from nbclient import NotebookClient
    nb = nbformat.read(os.path.join(FIXTURES, "hello.ipynb"), as_version=4)
    client = NotebookClient(nb, kernel_name="swift-inference", timeout=600, record_timing=True)
    client.execute()
    nbformat.validate(nb)
    assert "shell.execute_reply" in nb.cells[1].metadata.execution
    assert nb.cells[2].outputs[-1].data["text/plain"].strip() == "42"
    assert nb.metadata.language_info.name == "swift"
