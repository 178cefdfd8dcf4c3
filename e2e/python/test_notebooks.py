"""The lecture notebooks in notebooks/ execute cleanly, headless and through Jupyter, and show what a lecture
needs: figures, a table, and exercises whose worked solutions pass their checks.

For every notebooks/*.ipynb:

(a) `swift-inference execute` runs it (exit code 0) without touching the file on disk, and the executed copy
    has no error outputs, at least three SVG figures that parse as XML and draw something, at least one HTML
    table, equally many cells tagged `check` and `solution` (at least three each), and every `solution`
    cell's output shows a passed check ("✓") — for an nbgrader answer cell, the check cell after it.
(b) Jupyter's own client runs it against the installed kernelspec `swift-inference`: `jupyter nbconvert
    --execute` (nbclient's ExecutePreprocessor), with the notebook's folder as the working directory (cells
    read ../data/*.csv), with no errors and the same SVG and table counts as the runner.
(c) the committed notebook is clean: no outputs, no execution counts, kernelspec `swift-inference`.

!!! An empty notebooks/ folder, or a missing lecture notebook, is a FAILURE here, never a silent pass:
!!! `test_every_lecture_notebook_is_present` names the four lectures, and when the glob finds nothing the
!!! parametrised tests run once with the id NO-NOTEBOOKS-FOUND and fail.

Speed: both executions are the session's shared ones (conftest.py's `runner` and `nbconvert`), which the
claims tests, test_nbclient_kernel.py and the browser test also look at; they run two at a time, ahead of
the tests that need them. The runner gets `--cache-dir`, the kernel reads the same folder from
`SWIFT_INFERENCE_CACHE` (how the engine picks its cache; see EngineConfiguration+Locate.swift), so the
second path mostly loads the cells the first compiled.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from conftest import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
LECTURES = [
    "01-kl-divergence.ipynb",
    "02-monte-carlo-vs-elbo.ipynb",
    "03-em-gaussian-mixtures.ipynb",
    "04-amortization-gap.ipynb",
]
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# When notebooks/ is empty the parametrised tests still run once, under this id, and FAIL.
MISSING = "NO-NOTEBOOKS-FOUND"
PARAMS = [pytest.param(p, id=p.name) for p in NOTEBOOKS] or [pytest.param(None, id=MISSING)]

MIN_FIGURES = 3
MIN_TABLES = 1
MIN_EXERCISES = 3
SVG_NS = "{http://www.w3.org/2000/svg}"
DRAWN = {"path", "line", "polyline", "polygon", "rect", "circle", "ellipse"}


def require(path: Path | None) -> Path:
    """The notebook under test, or a failure when notebooks/ holds none."""
    if path is None:
        pytest.fail(f"{NOTEBOOK_DIR} holds no .ipynb files: the lecture notebooks are missing")
    return path


# ---------------------------------------------------------------------------------------------------------
# Reading outputs


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def outputs(nb):
    return [o for c in code_cells(nb) for o in c.get("outputs", [])]


def mime(output, kind: str):
    data = output.get("data") or {}
    value = data.get(kind)
    if value is None:
        return None
    return "".join(value) if isinstance(value, list) else value


def error_outputs(nb) -> list[str]:
    found = []
    for index, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                found.append(f"cell {index}: {o.ename}: {o.evalue}\n" + "\n".join(o.get("traceback", []))[:2000])
    return found


def svg_outputs(nb) -> list[str]:
    return [s for s in (mime(o, "image/svg+xml") for o in outputs(nb)) if s is not None]


def table_outputs(nb) -> list[str]:
    return [h for h in (mime(o, "text/html") for o in outputs(nb)) if h is not None and "<table" in h]


def output_text(cell) -> str:
    """Everything a cell showed, as text: streams, plain text and HTML of results and displays."""
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            parts.append(o.text)
        for kind in ("text/plain", "text/html", "text/markdown"):
            value = mime(o, kind)
            if value:
                parts.append(value)
    return "\n".join(parts)


def tagged(nb, tag: str):
    return [(i, c) for i, c in enumerate(nb.cells) if tag in c.get("metadata", {}).get("tags", [])]


def check_svg(svg: str, where: str) -> None:
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        pytest.fail(f"{where}: image/svg+xml output is not well-formed XML ({error}): {svg[:300]!r}")
    assert root.tag in ("svg", SVG_NS + "svg"), f"{where}: root element is <{root.tag}>, not <svg>"
    drawn = [e for e in root.iter() if e.tag.split("}")[-1] in DRAWN]
    assert drawn, f"{where}: the SVG draws nothing (no {sorted(DRAWN)} element)"


def counts(nb) -> dict:
    return {"svg": len(svg_outputs(nb)), "table": len(table_outputs(nb))}


# ---------------------------------------------------------------------------------------------------------
# The tests


def test_every_lecture_notebook_is_present():
    """Fails while any lecture is missing, so a lost notebook cannot pass the parametrised tests silently."""
    present = sorted(p.name for p in NOTEBOOKS)
    missing = [name for name in LECTURES if not (NOTEBOOK_DIR / name).is_file()]
    assert NOTEBOOKS, f"{NOTEBOOK_DIR} holds no .ipynb files"
    assert not missing, f"missing lecture notebooks in {NOTEBOOK_DIR}: {missing} (present: {present})"


@pytest.mark.parametrize("path", PARAMS)
def test_runner_executes_notebook(path, runner):
    path = require(path)
    run = runner(path)
    problem = run.failure("swift-inference execute")
    assert problem is None, problem
    assert run.after == run.before, f"the runner modified {path}"
    summary = json.loads(run.summary_path.read_text())
    assert summary["exit_code"] == 0, summary
    assert [n["status"] for n in summary["notebooks"]] == ["success"], summary

    nb = run.executed()
    nbformat.validate(nb)
    errors = error_outputs(nb)
    assert not errors, f"{path.name}: error outputs:\n" + "\n\n".join(errors)
    for cell in code_cells(nb):
        if cell.source.strip():
            assert cell.execution_count is not None, f"{path.name}: a code cell did not run:\n{cell.source[:300]}"

    svgs = svg_outputs(nb)
    assert len(svgs) >= MIN_FIGURES, f"{path.name}: {len(svgs)} image/svg+xml outputs, want at least {MIN_FIGURES}"
    for number, svg in enumerate(svgs):
        check_svg(svg, f"{path.name} SVG output #{number}")
    tables = table_outputs(nb)
    assert len(tables) >= MIN_TABLES, f"{path.name}: no text/html output contains a <table>"

    checks = [(i, c) for i, c in tagged(nb, "check") if c.cell_type == "code"]
    solutions = tagged(nb, "solution")
    assert len(checks) == len(solutions), (
        f"{path.name}: {len(checks)} code cells tagged 'check' (cells {[i for i, _ in checks]}) but "
        f"{len(solutions)} tagged 'solution' (cells {[i for i, _ in solutions]})")
    assert len(checks) >= MIN_EXERCISES, f"{path.name}: {len(checks)} exercises (check/solution pairs), want ≥ {MIN_EXERCISES}"
    for index, cell in solutions:
        assert cell.cell_type == "code", f"{path.name}: cell {index} is tagged 'solution' but is {cell.cell_type}"
        # An nbgrader answer cell (metadata nbgrader.solution) is graded by the check cell that follows it; an
        # older worked-solution cell re-runs the check itself.
        graded = cell.get("metadata", {}).get("nbgrader", {}).get("solution", False)
        shown_index, shown_cell = (index, cell)
        if graded:
            following = [(i, c) for i, c in checks if i > index]
            assert following, f"{path.name}: answer cell {index} has no check cell after it"
            shown_index, shown_cell = following[0]
        shown = output_text(shown_cell)
        assert "✓" in shown, (
            f"{path.name}: cell {shown_index}, the check of solution cell {index}, shows no passed check (✓):\n"
            f"--- source\n{shown_cell.source}\n--- output\n{shown[:2000]}")
        assert "✗" not in shown, f"{path.name}: cell {shown_index} shows a failed check:\n{shown[:2000]}"


@pytest.mark.parametrize("path", PARAMS)
def test_jupyter_client_executes_notebook_with_installed_kernel(path, runner, nbconvert):
    path = require(path)
    run = nbconvert(path)
    problem = run.failure("jupyter nbconvert --execute")
    assert problem is None, problem
    assert run.after == run.before, f"executing {path.name} with nbconvert modified the file"
    nb = run.executed()
    nbformat.validate(nb)
    assert nb.metadata.language_info.name == "swift"
    errors = error_outputs(nb)
    assert not errors, f"{path.name}: error outputs under nbconvert:\n" + "\n\n".join(errors)

    seen = counts(nb)
    assert seen["svg"] >= MIN_FIGURES and seen["table"] >= MIN_TABLES, f"{path.name} under nbconvert: {seen}"
    for number, svg in enumerate(svg_outputs(nb)):
        check_svg(svg, f"{path.name} SVG output #{number} (nbconvert)")
    headless = runner(path)
    if headless.result.returncode == 0:
        assert seen == counts(headless.executed()), (
            f"{path.name}: nbconvert shows {seen} but the runner showed {counts(headless.executed())}")


@pytest.mark.parametrize("path", PARAMS)
def test_committed_notebook_is_clean(path):
    path = require(path)
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have stored outputs or execution counts; clear them before committing"
    spec = nb.metadata.get("kernelspec", {})
    assert spec.get("name") == KERNEL_NAME, f"{path.name}: kernelspec is {spec!r}, want name {KERNEL_NAME!r}"
    assert spec.get("display_name") == "Swift (Inference)", f"{path.name}: kernelspec is {spec!r}"
    assert spec.get("language") == "swift", f"{path.name}: kernelspec is {spec!r}"
