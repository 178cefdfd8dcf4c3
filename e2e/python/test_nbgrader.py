"""nbgrader, end to end, on the course kit in courses/vi-swift with the Swift (Inference) kernel.

One module-scoped run, in a copy of the course folder:

1. `nbgrader generate_assignment ps1`: the student version has the stubs and neither the solutions nor the
   hidden tests; `release_assignment`, `fetch_assignment`, `submit` and `collect` carry one submission
   through an exchange folder, as on a course server.
2. Synthetic submissions, made from the student version by filling its answer cells: correct (through the
   exchange), a wrong answer, a compile error, a runtime trap (index out of range), an infinite loop, an
   unfinished exercise (the stub's `fatalError`), the untouched student version, and two bad files (the
   kernelspec of another language, JSON cut short).
3. One `nbgrader autograde ps1` over all of them. It exits with status 1 because of the two bad files; the
   tests then check every score (total and per test cell) in the gradebook, why each failing cell failed, that
   passing cells wrote nothing on stderr (nbgrader scores a test cell with stderr output 0), and that the two
   bad files got an error that names the student, the file and the problem while all the others were graded.
4. `generate_feedback` and `export` on the graded assignment.

Speed: the autograde step starts one kernel per submission and compiles the cells that differ; the build
cache is shared by every kernel (SWIFT_INFERENCE_CACHE: a fresh temporary folder, or the folder named by
SWIFT_INFERENCE_TEST_CACHE to keep it between runs). The infinite loop costs one cell timeout, which the test
lowers from the course's 30 s to CELL_TIMEOUT. Each nbgrader command also pays Python's start (1–8 s,
depending on the machine's load). Measured on two cores shared with other builds (load average 10): the
set-up and autograde 2 min with a warm build cache (about 30 s more with a cold one), feedback and export
26 s; 2 min 50 s for the module.
"""
from __future__ import annotations

import csv
import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "courses" / "vi-swift"
ASSIGNMENT = "ps1"
NOTEBOOK = "kl-and-elbo"
CELL_TIMEOUT = 20  # seconds; the course's own setting is 30 (nbgrader_config.py)
COMMAND_TIMEOUT = 900  # seconds for the whole autograde run, a way out if a kernel hangs

from nbgrader.api import Gradebook  # e2e/requirements.txt pins nbgrader

TESTS = ["test-kl-basic", "test-kl-edge-cases", "test-gaussian-basic", "test-gaussian-edge-cases",
         "test-elbo-basic", "test-elbo-edge-cases"]
POINTS = dict(zip(TESTS, [1, 2, 1, 2, 1, 2]))
FULL = dict(POINTS)


def scores(kl: tuple[int, int], gaussian: tuple[int, int], elbo: tuple[int, int]) -> dict[str, float]:
    return dict(zip(TESTS, map(float, kl + gaussian + elbo)))


# ---------------------------------------------------------------------------------------------------------
# The submissions: answer cells (by grade_id) that differ from the correct ones. The correct ones are the
# source notebook's solutions without the delimiter lines.

WRONG_KL = """
func klCategorical(_ p: [Double], _ q: [Double]) -> Double {
    // Every term, even where p is 0: 0 · log(0) is nan, not 0.
    var total = 0.0
    for k in p.indices { total += p[k] * log(p[k] / q[k]) }
    return total
}
"""
WRONG_GAUSSIAN = """
func gaussianKL(mean1: Double, sd1: Double, mean2: Double, sd2: Double) -> Double {
    let gap = mean1 - mean2
    return log(sd2 / sd1) + (sd1 * sd1 + gap * gap) / (2 * sd2 * sd2)   // forgot the − 1/2
}
"""
COMPILE_ERROR_GAUSSIAN = """
func gaussianKL(mean1: Double, sd1: Double, mean2: Double, sd2: Double) -> Double {
    let gap = mean1 - mean2
    return log(sd2 / sd1) + (sd1 * sd1 + gap * gap) / (2 * sd2 * sd2) - half   // `half` was never declared
}
"""
TRAP_ELBO = """
func elbo(_ q: [Double], joint: [Double]) -> Double {
    var bound = 0.0
    for z in 0...q.count where q[z] > 0 {   // one past the end: index out of range
        bound += q[z] * log(joint[z] / q[z])
    }
    return bound
}

func elboGap(_ q: [Double], joint: [Double]) -> Double {
    return log(joint.reduce(0, +)) - elbo(q, joint: joint)
}
"""
LOOPING_KL = """
func klCategorical(_ p: [Double], _ q: [Double]) -> Double {
    var total = 0.0
    var k = 0
    while k < p.count {
        if p[k] == 0 { continue }   // forgot k += 1: spins for ever on a zero entry
        if q[k] == 0 { return .infinity }
        total += p[k] * log(p[k] / q[k])
        k += 1
    }
    return total
}
"""

# student -> (answer cells that differ from the correct ones, expected score per test cell, how the
# failing test cells fail: grade_id -> a pattern their error output must match)
SUBMISSIONS = {
    "wrong-answer": ({"kl-categorical": WRONG_KL, "gaussian-kl": WRONG_GAUSSIAN},
                     scores((1, 0), (0, 0), (1, 2)),
                     {"test-kl-edge-cases": r"p₃ = 0 contributes nothing.*nan",
                      "test-gaussian-basic": r"got 0\.5, expected 0",
                      "test-gaussian-edge-cases": r"KL\(N\(0, 4²\) ‖ N\(0, 1\)\)"}),
    "compile-error": ({"gaussian-kl": COMPILE_ERROR_GAUSSIAN},
                      scores((1, 2), (0, 0), (1, 2)),
                      {"gaussian-kl": r"CompileError: line 3, column \d+: cannot find 'half' in scope",
                       "test-gaussian-basic": r"cannot find 'gaussianKL' in scope",
                       "test-gaussian-edge-cases": r"cannot find 'gaussianKL' in scope"}),
    "trap": ({"elbo-gap": TRAP_ELBO},
             scores((1, 2), (1, 2), (0, 0)),
             {"test-elbo-basic": r"[Ii]ndex out of range", "test-elbo-edge-cases": r"[Ii]ndex out of range"}),
    "infinite-loop": ({"kl-categorical": LOOPING_KL},
                      scores((1, 0), (1, 2), (1, 2)),
                      {"test-kl-edge-cases": r"Timeout|Interrupt|timed out|interrupted"}),
    "unfinished": ({"gaussian-kl": None},  # None: the stub stays
                   scores((1, 2), (0, 0), (1, 2)),
                   {"test-gaussian-basic": r"not implemented", "test-gaussian-edge-cases": r"not implemented"}),
    "untouched": ({"kl-categorical": None, "gaussian-kl": None, "elbo-gap": None},
                  scores((0, 0), (0, 0), (0, 0)),
                  {test: r"not implemented" for test in TESTS}),
}
BAD_SUBMISSIONS = ["broken-json", "wrong-kernel"]
CORRECT = getpass.getuser()  # the correct submission goes through the exchange, under the user's own name


def solution_sources(notebook) -> dict[str, str]:
    """The answer cells of the source notebook with the solution delimiters removed."""
    found = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            lines = [line for line in cell.source.split("\n") if "BEGIN SOLUTION" not in line
                     and "END SOLUTION" not in line]
            found[meta["grade_id"]] = "\n".join(lines)
    return found


def fill(release, answers: dict[str, str | None]):
    """A copy of the student version with the given answer cells replaced (None keeps the stub)."""
    submission = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in submission.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers and answers[grade_id] is not None:
            cell.source = answers[grade_id].strip("\n")
    return submission


# ---------------------------------------------------------------------------------------------------------
# The run


class Run:
    def __init__(self, course: Path, env: dict, release, source, autograde: subprocess.CompletedProcess):
        self.course, self.env, self.release, self.source, self.autograde = course, env, release, source, autograde
        self.log = autograde.stdout + autograde.stderr

    def autograded(self, student: str):
        path = self.course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        return nbformat.read(str(path), as_version=4)

    def grades(self, student: str) -> tuple[float, dict[str, float]]:
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gb:
            notebook = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            return notebook.score, {grade.name: grade.score for grade in notebook.grades}


def nbgrader_command(args: list[str], cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def must(result: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{what} failed (status {result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    work = tmp_path_factory.mktemp("nbgrader")
    course = work / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__", "gradebook.db", "release",
                                                                  "submitted", "autograded", "feedback"))
    exchange, student_home = work / "exchange", work / "student"
    exchange.mkdir()
    student_home.mkdir()
    cache = Path(os.environ["SWIFT_INFERENCE_TEST_CACHE"]) if os.environ.get("SWIFT_INFERENCE_TEST_CACHE") \
        else work / "engine-cache"
    cache.mkdir(parents=True, exist_ok=True)
    config_dir = work / "jupyter-config"  # no user or system nbgrader configuration leaks in
    config_dir.mkdir()
    env = dict(os.environ, SWIFT_INFERENCE_CACHE=str(cache), JUPYTER_CONFIG_DIR=str(config_dir))
    on_exchange = [f"--Exchange.root={exchange}"]

    must(nbgrader_command(["generate_assignment", ASSIGNMENT], course, env), "generate_assignment")
    release = nbformat.read(str(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    source = nbformat.read(str(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    correct = solution_sources(source)

    # The correct submission travels as on a course server: released, fetched, answered, submitted, collected.
    must(nbgrader_command(["release_assignment", ASSIGNMENT, *on_exchange], course, env), "release_assignment")
    must(nbgrader_command(["fetch_assignment", ASSIGNMENT, "--course", "vi-swift", *on_exchange], student_home, env),
         "fetch_assignment")
    fetched = student_home / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nbformat.write(fill(nbformat.read(str(fetched), as_version=4), correct), str(fetched))
    must(nbgrader_command(["submit", ASSIGNMENT, "--course", "vi-swift", *on_exchange], student_home, env), "submit")
    must(nbgrader_command(["collect", ASSIGNMENT, *on_exchange], course, env), "collect")

    def submitted(student: str) -> Path:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        return folder / f"{NOTEBOOK}.ipynb"

    for student, (answers, _, _) in SUBMISSIONS.items():
        nbformat.write(fill(release, {**correct, **answers}), str(submitted(student)))
    wrong_kernel = fill(release, correct)
    wrong_kernel.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(wrong_kernel, str(submitted("wrong-kernel")))
    text = nbformat.writes(fill(release, correct))
    submitted("broken-json").write_text(text[: len(text) // 2], encoding="utf-8")  # an upload cut short

    autograde = nbgrader_command(["autograde", ASSIGNMENT, f"--Execute.timeout={CELL_TIMEOUT}"], course, env,
                                 timeout=COMMAND_TIMEOUT)
    return Run(course, env, release, source, autograde)


# ---------------------------------------------------------------------------------------------------------
# The student version


def test_student_version_has_stubs_and_no_solutions_or_hidden_tests(run):
    release_text = nbformat.writes(run.release)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release_text, f"the student version still contains {marker!r}"
    for grade_id, solution in solution_sources(run.source).items():
        cell = next(c for c in run.release.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        assert 'fatalError("not implemented")' in cell.source, f"{grade_id}: no stub in the student version"
        body = [line.strip() for line in solution.split("\n") if line.strip() and not line.strip().startswith(
            ("///", "func ", "}"))]
        leaked = [line for line in body if line in cell.source]
        assert not leaked, f"{grade_id}: the student version shows solution lines {leaked}"
    # Hidden tests are gone from the student version but are in the source: one title of each.
    for title in ("Exercise 1: two empty vectors", "Exercise 2: KL(N(0, 1) ‖ N(0, 4²))",
                  "Exercise 3: q on a z with p(x, z) = 0 gives an infinite gap"):
        assert title in nbformat.writes(run.source) and title not in release_text, title
    assert run.release.metadata.kernelspec.name == "swift-inference"


def test_source_notebook_is_clean(run):
    source = json.loads((COURSE / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
    assert source["metadata"]["kernelspec"] == {"display_name": "Swift (Inference)", "language": "swift",
                                                "name": "swift-inference"}
    for cell in source["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, cell["id"]
    grade_cells = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"].get("points")
                   for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}
    assert grade_cells == POINTS


# ---------------------------------------------------------------------------------------------------------
# Autograde: scores


def test_autograde_graded_every_good_submission_and_named_the_bad_ones(run):
    # nbgrader's status after a run where some submissions failed and the others were graded.
    assert run.autograde.returncode == 1, run.log[-4000:]
    for student in [CORRECT, *SUBMISSIONS]:
        assert (run.course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file(), \
            f"{student} was not graded:\n{run.log[-4000:]}"
    for student in BAD_SUBMISSIONS:
        assert not (run.course / "autograded" / student).exists() or not any(
            (run.course / "autograded" / student).rglob("*.ipynb")), f"{student}: a failed submission left output"
        assert f"There was an error processing assignment '{ASSIGNMENT}' for student '{student}'" in run.log, \
            run.log[-4000:]


def test_broken_json_error_names_file_line_and_column(run):
    match = re.search(r"SubmissionError: (\S*broken-json\S*kl-and-elbo\.ipynb): not a notebook: invalid JSON at "
                      r"line (\d+), column (\d+): .*\(the file ends on that line: it looks cut short\)", run.log)
    assert match, run.log[-4000:]
    assert int(match.group(2)) > 10


def test_wrong_kernelspec_error_names_student_found_and_expected(run):
    assert re.search(r"SubmissionError: student 'wrong-kernel', \S*kl-and-elbo\.ipynb: the notebook has kernelspec "
                     r"'python3' \(Python 3, language python\); this course grades 'swift-inference' "
                     r"\(Swift \(Inference\)\) notebooks", run.log), run.log[-4000:]


def test_correct_submission_scores_full_marks(run):
    total, per_cell = run.grades(CORRECT)
    assert per_cell == {k: float(v) for k, v in FULL.items()}
    assert total == sum(FULL.values()) == 9


@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_submission_scores(run, student):
    _, expected, _ = SUBMISSIONS[student]
    total, per_cell = run.grades(student)
    assert per_cell == expected, f"{student}: per test cell {per_cell}, expected {expected}"
    assert total == sum(expected.values())


@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_failing_cells_fail_for_the_right_reason(run, student):
    _, expected, reasons = SUBMISSIONS[student]
    notebook = run.autograded(student)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells}
    for grade_id, pattern in reasons.items():
        errors = [o for o in by_id[grade_id].outputs if o.output_type == "error"]
        assert errors, f"{student}/{grade_id}: no error output: {by_id[grade_id].outputs}"
        text = "\n".join(f"{e.ename}: {e.evalue}\n" + "\n".join(e.traceback) for e in errors)
        assert re.search(pattern, text), f"{student}/{grade_id}: {pattern!r} not in\n{text}"
    # Every other cell ran without an error: the kernel went on after each failure.
    for grade_id, cell in by_id.items():
        if cell.cell_type == "code" and grade_id not in reasons:
            assert not [o for o in cell.outputs if o.output_type == "error"], f"{student}/{grade_id}: {cell.outputs}"


def test_untouched_student_version_compiles_and_stops_at_the_stubs(run):
    notebook = run.autograded("untouched")
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if meta.get("grade"):
            assert errors and all("CompileError" not in e.ename for e in errors), (meta["grade_id"], cell.outputs)
        else:
            assert not errors, f"{meta.get('grade_id')}: the student version does not run: {cell.outputs}"


# ---------------------------------------------------------------------------------------------------------
# Stderr: nbgrader gives 0 to a test cell with any stderr output


@pytest.mark.parametrize("student", [CORRECT, *SUBMISSIONS])
def test_passing_cells_write_nothing_on_stderr(run, student):
    notebook = run.autograded(student)
    _, expected, _ = SUBMISSIONS.get(student, (None, FULL, None))
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if any(o.output_type == "error" for o in cell.outputs):
            continue
        stderr = [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{student}/{grade_id}: a passing cell wrote on stderr: {stderr}"
        if grade_id in TESTS:
            assert expected[grade_id] == POINTS[grade_id]
            shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs
                            if o.output_type == "display_data")
            assert "✓" in shown and "✗" not in shown, f"{student}/{grade_id}: {cell.outputs}"


def test_feedback_and_grade_export(run):
    must(nbgrader_command(["generate_feedback", ASSIGNMENT], run.course, run.env), "generate_feedback")
    feedback = (run.course / "feedback" / CORRECT / ASSIGNMENT / f"{NOTEBOOK}.html").read_text(encoding="utf-8")
    assert "Exercise 3: no gap at the posterior" in feedback and "✓" in feedback  # hidden checks shown after grading
    must(nbgrader_command(["export"], run.course, run.env), "export")
    with open(run.course / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    expected = {CORRECT: 9.0, **{student: sum(e.values()) for student, (_, e, _) in SUBMISSIONS.items()}}
    # nbgrader exports the submissions that failed (bad files) with 0, like students who submitted nothing.
    assert rows == {**expected, **{student: 0.0 for student in BAD_SUBMISSIONS}}


# ---------------------------------------------------------------------------------------------------------
# The plug-in's check of submitted files, on its own (no kernel)


@pytest.mark.parametrize("content, message", [
    (b'{"cells": [\n {"a": 1,,\n "b": 2}\n], "x": 1}\n',
     r": not a notebook: invalid JSON at line 2, column 10: Expecting property name enclosed in double quotes$"),
    (b'{"cells": [\n {"source": "let a = 1', r"invalid JSON at line 2, column 13: .*it looks cut short"),
    (b'{"cells": []\n\xff\xfe}', r": not a notebook: byte 13 \(line 2\) is not UTF-8 text$"),
    (b"  \n", r": not a notebook: the file is empty$"),
    (b"[1, 2]", r': not a notebook: the JSON has no "cells" list$'),
], ids=["bad-json", "cut-short", "not-utf8", "empty", "not-a-notebook"])
def test_checked_exporter_names_the_problem_and_where(tmp_path, content, message):
    sys.path.insert(0, str(COURSE))
    try:
        import nbgrader_swift
    finally:
        sys.path.remove(str(COURSE))
    path = tmp_path / "submission.ipynb"
    path.write_bytes(content)
    with pytest.raises(nbgrader_swift.SubmissionError) as caught:
        nbgrader_swift.CheckedNotebookExporter().from_filename(str(path))
    assert str(caught.value).startswith(str(path)), caught.value
    assert re.search(message, str(caught.value)), caught.value
