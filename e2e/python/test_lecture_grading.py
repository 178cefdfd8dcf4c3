"""nbgrader grades every lecture: a correct submission gets every point, the student version handed in untouched
gets none (so the student versions are executed headless too), a submission with a typical student mistake in
every exercise gets none either, each test cell failing on its own check, and for lecture 01 a submission with
three of those mistakes loses exactly those exercises' points.

The course folder is private to the test (tmp_path). The student version comes from `nbgrader
generate_assignment` with the Swift stub; the submissions are that version with the instructor's answers put
back into the answer cells, with MISTAKES edited in for the wrong ones. Each mistake is one a student makes (a
sign, a forgotten term, an off-by-one, a swapped pair), compiles and runs, and is named with the start of
the message its exercise's check must fail with, computed independently of the notebook where the value is
simple. `nbgrader autograde` executes all submissions of a lecture in one run, through the installed kernelspec.

Cost: three executions of each lecture and a fourth of 01, in one `nbgrader autograde` run per lecture (the
whole file took about 9½ minutes on a loaded 2-core machine, against 8 before the wrong submissions).
"""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
c = get_config()
c.CourseDirectory.root = {root!r}
c.ClearSolutions.code_stub = {{"swift": "// YOUR CODE HERE\\nfatalError(\\"not implemented\\")"}}
c.ExecutePreprocessor.timeout = 600
"""


class Mistake(NamedTuple):
    right: str  # text of the instructor's answer
    wrong: str  # what a student writes instead
    failure: str  # the check's ExerciseFailure message after "✗ ", from its start; "…" stands for any text


def says(message: str, failure: str) -> bool:
    """Whether `message` starts with the first piece of `failure` and has the other "…"-separated pieces in order."""
    first, *rest = failure.split("…")
    if not message.startswith(first):
        return False
    at = len(first)
    for piece in rest:
        at = message.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


MISTAKES: dict[str, dict[str, Mistake]] = {
    "01-kl-divergence.ipynb": {
        "kl-ex1": Mistake("if qk == 0 { return .infinity }", "if qk == 0 { return 0 }",
                          "Exercise 1: KL between categoricals: not yet — element 4: got 0, expected ∞"),
        # The running minimum starts at 0 instead of +∞, so no grid point ever replaces it.
        "kl-ex2": Mistake("var best = (kl: Double.infinity, q1: 0.0, q2: 0.0)", "var best = (kl: 0.0, q1: 0.0, q2: 0.0)",
                          "Exercise 2: the minimum of KL(p ‖ q) over q: not yet — element 1: got 0, expected 0.2"),
        # The log term upside down: log(σ₁/σ₂) − … = −0.461021 for N(0, 1) against N(1, 1.5²).
        "kl-ex3": Mistake("log(sd2 / sd1)", "log(sd1 / sd2)",
                          "Exercise 3: Gaussian KL in closed form: not yet — element 0: got -0.461021, expected 0.34991"),
        "kl-ex4": Mistake("return 3.0 ", "return 0.0 ",
                          "Exercise 4: predicted |μ| of the best reverse fit: not yet — got 0, expected 2.98431"),
        "kl-ex5": Mistake('return "B"', 'return "A"', "Exercise 5: which fit is which: not yet"),
        # The minus sign of −Σ p log p forgotten: a negative entropy.
        "kl-ex6": Mistake("return -counts.values", "return counts.values",
                          "Exercise 6: H(p̂) = NLL − KL(p̂ ‖ q): not yet — got -…, expected "),
    },
    "02-monte-carlo-vs-elbo.ipynb": {
        # The mean of p(x, z⁽ⁱ⁾) without the factor |Z|: 0.2196 / 4.
        "mc-ex1": Mistake("return Double(tinyJoint.count) * total", "return total",
                          "Exercise 1: naive estimates for three sets of draws: not yet — element 0: got 0.0549, "
                          "expected 0.2196"),
        # One draw's miss probability, forgetting that all four draws must miss.
        "mc-ex2": Mistake("return 0.75 * 0.75 * 0.75 * 0.75", "return 0.75",
                          "Exercise 2: predicted fraction of runs that miss (b, c̄): not yet — got 0.75, "
                          "expected 0.316406"),
        # No shift by the largest log weight: e^(−1000) underflows and the ratio is 0/0.
        "mc-ex3": Mistake("logWeights.map { exp($0 - peak) }", "logWeights.map { exp($0) }",
                          "Exercise 3: ESS of weights with a known answer: not yet — element 1: the answer is nan"),
        # The "−1" of ρ forgotten: the answer is 1/0.1² = 100 samples too many.
        "mc-ex4": Mistake("let rho = Double(size) * sumOfSquares - 1", "let rho = Double(size) * sumOfSquares",
                          "Exercise 4: samples for a 0.1 standard deviation of log p̂: not yet — got …(off by 100)"),
        # ELBO − log p(x): the gap with its sign flipped.
        "mc-ex5": Mistake("return log(tinyEvidence) - bound", "return bound - log(tinyEvidence)",
                          "Exercise 5: log p(x) − ELBO(q) equals KL(q ‖ p(z|x)): not yet — element 0: got -0.299, "
                          "expected 0.299"),
    },
    "03-em-gaussian-mixtures.ipynb": {
        # The weights πₖ left out of the E-step (as in CS8501's notes): SciPy gives r = (0.413604, 0.586396).
        "em-ex1-responsibilities": Mistake(
            "return p.weights[k] * density", "return density",
            "Exercise 1: responsibilities of (2.9, 68): not yet — element 0: got 0.413604, expected 0.275254"),
        # The means divided by N instead of Nₖ (as in CS8501's notes): ℓ falls within the 30 iterations.
        "em-ex2-em-loop": Mistake("mean[j] += r[n][k] * rows[n][j] / nk", "mean[j] += r[n][k] * rows[n][j] / Double(rows.count)",
                                  "Exercise 2: ℓ(θᵗ) never falls: not yet"),
        # BIC's and AIC's penalties swapped in the student's head.
        "em-ex3-predict-k": Mistake("return (bic: 2, aic: 3)", "return (bic: 3, aic: 2)",
                                    "Exercise 3: K chosen by BIC and by AIC, predicted before the fits: not yet — "
                                    "element 0: got 3, expected 2"),
        # Every entry of each d × d covariance counted, though it is symmetric: p = 20, BIC = 2350.54.
        "em-ex4-bic": Mistake("k * d * (d + 1) / 2", "k * d * d",
                              "Exercise 4: BIC of the K = 3 fit: not yet — got 2350.54, expected 2333.73"),
        # The prior θc|a,¬b forgotten: the likelihood ratio .8 / (.8 + .1) alone.
        "em-ex5-completion": Mistake(
            "let withC = cGivenParents * dGivenC, withoutC = (1 - cGivenParents) * dGivenNotC",
            "let withC = dGivenC, withoutC = dGivenNotC",
            "Exercise 5: P(c | a, ¬b, d): not yet — got 0.888889, expected 0.923077"),
        # The weighted mean of the points, without the prior's shrinkage: m₁ = (1 + ½·2) / 1.5.
        "em-ex6-cavi": Mistake("means.append(s2 * weightedSum / sigma2)", "means.append(weightedSum / nk)",
                               "Exercise 6: m₁, m₂, s₁², s₂² on three points: not yet — element 0: got 1.33333, "
                               "expected 1.32802"),
    },
    "04-amortization-gap.ipynb": {
        # σ² taken as e^(log σ), i.e. σ: 1.35887 instead of 1.47873.
        "am-ex1": Mistake("let variance = exp(2 * logSD[j])", "let variance = exp(logSD[j])",
                          "Exercise 1: KL(q ‖ N(0, I)): not yet — element 0: got 1.35887, expected 1.47873"),
        # log σ used where σ belongs: 0.5 + ln(0.2)·1.3.
        "am-ex2": Mistake("muR[j] + exp(logSigmaR[j]) * epsilonR[j]", "muR[j] + logSigmaR[j] * epsilonR[j]",
                          "Exercise 2: z = μ + σ ⊙ ε: not yet — element 0: got -1.59227, expected 0.76"),
        # The amortization gap as a fraction of the approximation gap instead of the whole inference gap.
        "am-ex3": Mistake("amortization / inference]", "amortization / approximation]",
                          "Exercise 3: gaps of made-up rows: not yet — element 2: got 3, expected 0.75"),
        # Training the encoder expected to close both gaps.
        "am-ex4": Mistake("return [closedFormApproximationGap, 0]", "return [0, 0]",
                          "Exercise 4: predicted gaps after training the encoder: not yet — element 0: got 0, "
                          "expected 0.599894"),
        # An off-by-one: 0...steps takes one step too many, caught by the zero-step case.
        "am-ex5": Mistake("for _ in 0..<steps", "for _ in 0...steps",
                          "Exercise 5: zero steps and one step: not yet — element 0: got …, expected "),
        # The noise σ²I left out of Cov[x] = WWᵀ + σ²I.
        "am-ex6": Mistake("var c = [[0.2, 0.0], [0.0, 0.2]]", "var c = [[0.0, 0.0], [0.0, 0.0]]",
                          "Exercise 6: log p(x) of the first point: not yet — got …, expected "),
    },
}
# Three of 01's mistakes alone: the other exercises keep their points.
PARTLY_WRONG = {"01-kl-divergence.ipynb": ("kl-ex1", "kl-ex4", "kl-ex5")}

def nbgrader(course: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                            timeout=1200, env=os.environ.copy())
    assert result.returncode == 0, f"nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}"


def submission(release, answers: dict[str, str], mistakes: dict[str, Mistake]):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            lines = [l for l in answers[grade_id].splitlines() if l.strip() not in ("// BEGIN SOLUTION", "// END SOLUTION")]
            source = "\n".join(lines)
            if grade_id in mistakes:
                mistake = mistakes[grade_id]
                assert source.count(mistake.right) == 1, f"{grade_id}: the answer no longer contains {mistake.right!r} once"
                source = source.replace(mistake.right, mistake.wrong)
            cell.source = source
    return nb


def errors(notebook: Path) -> dict[str, list[tuple[str, str]]]:
    """(ename, evalue) of every error output, by grade_id (or cell index for cells nbgrader does not know)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for index, cell in enumerate(nbformat.read(str(notebook), as_version=4).cells):
        key = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.setdefault(key, []).append((output.ename, output.evalue))
    return found


LECTURES = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", LECTURES or ["NO-NOTEBOOKS-FOUND"])
def test_nbgrader_grades_a_right_and_a_wrong_submission(tmp_path, name):
    """For every lecture: the student version has stubs and no hidden tests, the instructor's answers earn every
    point, the student version handed in untouched earns none, and a submission with a student's mistake in
    every exercise earns none, each test cell failing with its own check's verdict on that mistake while every
    other cell runs without error; lecture 01 also gets a submission with three of the mistakes that loses
    exactly those exercises."""
    from nbgrader.api import Gradebook

    notebook = ROOT / "notebooks" / name
    assert notebook.is_file(), f"no lecture notebooks in {ROOT / 'notebooks'}"
    assert name in MISTAKES, f"{name}: no wrong submission in MISTAKES"
    course = tmp_path / "course"
    (course / "source" / "lecture").mkdir(parents=True)
    (course / "source" / "lecture" / name).write_bytes(notebook.read_bytes())
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course)))
    nbgrader(course, "db", "assignment", "add", "lecture")
    submissions: dict[str, dict[str, Mistake] | None] = {"right": {}, "untouched": None, "wrong": MISTAKES[name]}
    if name in PARTLY_WRONG:
        submissions["partly-wrong"] = {grade_id: MISTAKES[name][grade_id] for grade_id in PARTLY_WRONG[name]}
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
    tests = {c.metadata["nbgrader"]["grade_id"] for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")}
    # Every exercise has a mistake, and every exercise is graded by the test cell named after it.
    assert set(MISTAKES[name]) == set(answers), f"{name}: exercises without a mistake: {set(answers) - set(MISTAKES[name])}"
    assert tests == {grade_id + "-test" for grade_id in answers}, tests
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
    assert set(scores["right"]) == tests, scores["right"]
    assert all(s == m for s, m in scores["right"].values()), scores["right"]
    assert all(s == 0 for s, _ in scores["untouched"].values()), scores["untouched"]
    assert not errors(course / "autograded" / "right" / "lecture" / name)
    for student, mistakes in submissions.items():
        if not mistakes:
            continue
        wrong = {grade_id + "-test" for grade_id in mistakes}
        assert {cell for cell, (s, m) in scores[student].items() if s != m} == wrong, (student, scores[student])
        assert all(scores[student][cell][0] == 0 for cell in wrong), (student, scores[student])
        total = sum(s for s, _ in scores[student].values())
        assert total == sum(m for cell, (_, m) in scores["right"].items() if cell not in wrong), (student, total)
        # Each wrong test cell fails on its own check, with the verdict on the mistake; nothing else fails:
        # the mistakes compile and run, and no later cell trips over them.
        failed = errors(course / "autograded" / student / "lecture" / name)
        assert set(failed) == wrong, (student, failed)
        for grade_id, mistake in mistakes.items():
            [(ename, evalue)] = failed[grade_id + "-test"]
            assert ename.endswith("ExerciseFailure") and says(evalue, "✗ " + mistake.failure), \
                f"{student}, {grade_id}: expected the check to fail with {mistake.failure!r}, got {ename}: {evalue}"
    assert scores["wrong"] and sum(s for s, _ in scores["wrong"].values()) == 0, scores["wrong"]
