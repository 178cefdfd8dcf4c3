"""nbgrader grades every lecture: a correct submission gets every point, the student version handed in untouched
gets none (so the student versions are executed headless too), and for lecture 01 a submission with three
typical mistakes loses exactly those exercises' points.

The course folder is private to the test (tmp_path). The student version comes from `nbgrader
generate_assignment` with the Swift stub; the submissions are that version with the instructor's answers put
back into the answer cells, one of them with three mistakes the checks must catch: 0 instead of +∞ when q has a
zero where p has mass (Exercise 1), a centred reverse fit predicted (Exercise 4) and the wrong fit named
(Exercise 5). `nbgrader autograde` executes both through the installed kernelspec.

Cost: two executions of each lecture and a third of 01 (about 40 s per lecture with a warm build cache).
"""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "01-kl-divergence.ipynb"
CONFIG = """
c = get_config()
c.CourseDirectory.root = {root!r}
c.ClearSolutions.code_stub = {{"swift": "// YOUR CODE HERE\\nfatalError(\\"not implemented\\")"}}
c.ExecutePreprocessor.timeout = 600
"""
MISTAKES = {
    "kl-ex1": ("if qk == 0 { return .infinity }", "if qk == 0 { return 0 }"),
    "kl-ex4": ("return 3.0 ", "return 0.0 "),
    "kl-ex5": ('return "B"', 'return "A"'),
}


def nbgrader(course: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=1200, env=os.environ.copy())
    assert result.returncode == 0, f"nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}"


def submission(release, answers: dict[str, str], mistakes: dict[str, tuple[str, str]]):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            lines = [l for l in answers[grade_id].splitlines() if l.strip() not in ("// BEGIN SOLUTION", "// END SOLUTION")]
            source = "\n".join(lines)
            if grade_id in mistakes:
                old, new = mistakes[grade_id]
                assert old in source, f"{grade_id}: the answer no longer contains {old!r}"
                source = source.replace(old, new)
            cell.source = source
    return nb


LECTURES = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", LECTURES or ["NO-NOTEBOOKS-FOUND"])
def test_nbgrader_grades_a_right_and_a_wrong_submission(tmp_path, name):
    """For every lecture: the student version has stubs and no hidden tests, the instructor's answers earn every
    point, and the student version handed in untouched (every exercise wrong) earns none; lecture 01 also gets a
    submission with three typical mistakes that loses exactly those exercises."""
    from nbgrader.api import Gradebook

    notebook = ROOT / "notebooks" / name
    assert notebook.is_file(), f"no lecture notebooks in {ROOT / 'notebooks'}"
    course = tmp_path / "course"
    (course / "source" / "lecture").mkdir(parents=True)
    (course / "source" / "lecture" / name).write_bytes(notebook.read_bytes())
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course)))
    nbgrader(course, "db", "assignment", "add", "lecture")
    submissions = {"right": {}, "untouched": None}
    if notebook == NOTEBOOK:
        submissions["wrong"] = MISTAKES
    for student in submissions:
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "generate_assignment", "lecture", "--force")

    release = nbformat.read(str(course / "release" / "lecture" / name), as_version=4)
    stubs = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("fatalError(\"not implemented\")" in c.source and "BEGIN SOLUTION" not in c.source for c in stubs)
    assert not any("HIDDEN TESTS" in c.source for c in release.cells), "hidden tests reached the student version"
    source = nbformat.read(str(notebook), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for student, mistakes in submissions.items():
        folder = course / "submitted" / student / "lecture"
        folder.mkdir(parents=True)
        # The lectures read ../data/*.csv from their own folder, as they do in the repository; nbgrader runs a
        # submission in autograded/<student>/<assignment>/, so the data sits beside that folder.
        (course / "autograded" / student).mkdir(parents=True)
        (course / "autograded" / student / "data").symlink_to(ROOT / "data")
        handed_in = release if mistakes is None else submission(release, answers, mistakes)
        nbformat.write(handed_in, str(folder / name))
    nbgrader(course, "autograde", "lecture", "--force")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {}
        for student in submissions:
            graded = gradebook.find_submission("lecture", student).notebooks[0]
            scores[student] = {g.name: (g.score, g.max_score) for g in graded.grades}
    assert scores["right"], f"{name}: no graded cells"
    assert all(s == m for s, m in scores["right"].values()), scores["right"]
    assert all(s == 0 for s, _ in scores["untouched"].values()), scores["untouched"]
    if "wrong" in scores:
        lost = {cell for cell, (s, m) in scores["wrong"].items() if s < m}
        assert lost == {grade_id + "-test" for grade_id in MISTAKES}, scores["wrong"]
        assert all(scores["wrong"][cell][0] == 0 for cell in lost), scores["wrong"]
        assert sum(m for _, m in scores["right"].values()) >= 9, scores["right"]
