"""Numbers quoted in the prose of lectures 01, 02 and 04 agree with the outputs beside them, and their exercises
are ready for nbgrader.

Most numbers in the prose of these notebooks are written by the code (a cell displays Markdown built from the
computed values), so they cannot drift. This module covers the rest: claims written in the Markdown cells that
depend on what the code computes (a fraction, an ordering, a sign), read back from the executed notebooks. It
also checks every exercise's nbgrader metadata: an answer cell with a solution region, then a graded check cell
with points and unique ids, and a final cell showing the score.

Cost: none of its own: the tests read the session's runner executions (conftest.py's `runner`), the same runs
whose figures and exercises test_notebooks.py checks.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KL = "01-kl-divergence.ipynb"
MC = "02-monte-carlo-vs-elbo.ipynb"
AM = "04-amortization-gap.ipynb"
EM = "03-em-gaussian-mixtures.ipynb"
OWNED = [KL, MC, AM]
RUNNER_NOTEBOOKS = [NOTEBOOKS / name for name in OWNED]  # what conftest.py's runner starts for this module


# ---------------------------------------------------------------------------------------------------------
# The executed notebooks


@pytest.fixture(scope="module")
def executed(runner):
    """name → the notebook as the session's runner execution left it."""
    found = {}
    for name in OWNED:
        run = runner(NOTEBOOKS / name)
        problem = run.failure("swift-inference execute")
        assert problem is None, problem
        found[name] = run.executed()
    return found


# ---------------------------------------------------------------------------------------------------------
# Reading outputs


def by_id(nb, cell_id: str):
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            return cell
    raise AssertionError(f"no cell with id {cell_id!r}")


def text_of(cell) -> str:
    """Everything a cell showed, as plain text (Markdown and HTML tags stripped of markup)."""
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            parts.append(o.text)
        data = o.get("data") or {}
        for kind in ("text/markdown", "text/plain"):
            if kind in data:
                value = data[kind]
                parts.append("".join(value) if isinstance(value, list) else value)
                break
    return "\n".join(parts)


def tables(cell) -> list[list[list[str]]]:
    """The tables a cell showed, from their Markdown form: header row first."""
    found = []
    for o in cell.get("outputs", []):
        value = (o.get("data") or {}).get("text/markdown")
        if value is None:
            continue
        value = "".join(value) if isinstance(value, list) else value
        rows = []
        for line in value.splitlines():
            if line.startswith("|"):
                if set(line) <= set("|-: "):
                    continue
                cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
                rows.append(cells)
        if rows:
            found.append(rows)
    assert found, f"cell {cell.get('id')} shows no table"
    return found


def lookup(table: list[list[str]], row_label: str, column: str) -> str:
    """The entry of the row whose first cell is row_label, in the named column."""
    header = table[0]
    assert column in header, f"no column {column!r} in {header}"
    rows = [r for r in table[1:] if r[0] == row_label]
    assert rows, f"no row {row_label!r} in {[r[0] for r in table[1:]]}"
    return rows[0][header.index(column)]


def number(text: str) -> float:
    """A number as the tables and prose print it (a Unicode minus, thousands separators, a percent sign)."""
    cleaned = text.replace("−", "-").replace(",", "").replace("%", "").strip()
    if cleaned in ("∞", "inf"):
        return float("inf")
    return float(cleaned)


def numbers_in(text: str) -> list[float]:
    return [number(m) for m in re.findall(r"[-−+]?\d[\d,]*\.?\d*(?:e-?\d+)?", text)]


# ---------------------------------------------------------------------------------------------------------
# Exercises: nbgrader metadata (no execution needed)


@pytest.mark.parametrize("name", [KL, MC, EM, AM])
def test_exercises_are_nbgrader_answer_and_test_cells(name):
    nb = nbformat.read(str(NOTEBOOKS / name), as_version=4)
    ids = []
    answers = [(i, c) for i, c in enumerate(nb.cells) if "solution" in c.metadata.get("tags", [])]
    assert len(answers) >= 3, f"{name}: {len(answers)} exercises"
    for i, cell in answers:
        meta = cell.metadata.get("nbgrader", {})
        assert meta.get("solution") is True and meta.get("grade") is False and meta.get("locked") is False, (
            f"{name} cell {i}: answer cell metadata {meta}")
        assert meta.get("schema_version") == 3
        begins = cell.source.count("// BEGIN SOLUTION")
        assert begins >= 1 and begins == cell.source.count("// END SOLUTION"), f"{name} cell {i}: unbalanced solution region"
        # The stub nbgrader puts in place of a region (fatalError) must compile: inside a function or closure body.
        lines = cell.source.splitlines()
        for k, line in enumerate(lines):
            if line.strip() == "// BEGIN SOLUTION":
                opener = next(l for l in reversed(lines[:k]) if l.strip())
                assert opener.rstrip().endswith("{"), f"{name} cell {i}: a solution region must open a body: {opener!r}"
        # Its graded check follows, after the cells that reveal the answer when the exercise is a prediction.
        following = [(k, c) for k, c in enumerate(nb.cells) if k > i and "check" in c.metadata.get("tags", [])]
        assert following, f"{name} cell {i}: no check cell after the answer"
        k, test = following[0]
        assert not [c for c in nb.cells[i + 1:k] if "solution" in c.metadata.get("tags", [])], (
            f"{name} cell {i}: another answer cell comes before its check")
        test_meta = test.metadata.get("nbgrader", {})
        assert test_meta.get("grade") is True and test_meta.get("solution") is False and test_meta.get("locked") is True
        assert test_meta.get("points", 0) > 0, f"{name} cell {k}: no points"
        assert test_meta.get("grade_id") == meta.get("grade_id") + "-test"
        assert "try requireAnswer(" in test.source, f"{name} cell {k}: a graded check must fail its cell when wrong"
        assert test.source.count("// BEGIN HIDDEN TESTS") == test.source.count("// END HIDDEN TESTS")
        ids += [meta["grade_id"], test_meta["grade_id"]]
    assert len(ids) == len(set(ids)), f"{name}: grade ids repeat: {ids}"
    predicted = [c for c in nb.cells if c.cell_type == "markdown" and "exercise" in c.metadata.get("tags", [])
                 and "predict" in c.source.lower() and "before" in c.source.lower()]
    assert predicted, f"{name}: no exercise asks to predict before computing"
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert last.source.strip() == "exerciseScore()", f"{name}: the last code cell is {last.source!r}"


# ---------------------------------------------------------------------------------------------------------
# 01: KL divergence


def test_kl_prose_matches_outputs(executed):
    nb = executed[KL]
    # kl-03: "Two of the three terms are negative".
    terms = [number(r[-1]) for r in tables(by_id(nb, "kl-02"))[0][1:] if r[0] != "sum"]
    assert sum(t < 0 for t in terms) == 2 and len(terms) == 3, terms
    # The histogram's title: no random pair has a negative divergence.
    assert number(lookup(tables(by_id(nb, "kl-07"))[0], "pairs with KL < 0", "value")) == 0
    # kl-18: which direction is larger, the mirror pair, and the infinite direction.
    table = tables(by_id(nb, "kl-17"))[0]
    forward = lambda pair: number(lookup(table, pair, "KL(p ‖ q)"))
    reverse = lambda pair: number(lookup(table, pair, "KL(q ‖ p)"))
    assert reverse("peaked vs uniform") > forward("peaked vs uniform")
    assert forward("mirror images") == reverse("mirror images")
    assert forward("p misses an outcome q has") < float("inf") == reverse("p misses an outcome q has")
    # kl-34: each fit wins its own divergence; the centred reverse point is a worse local minimum.
    fits = tables(by_id(nb, "kl-33"))[0]
    rows = {r[0]: r for r in fits[1:]}
    col = fits[0].index
    assert min(number(r[col("KL(p ‖ q)")]) for r in rows.values()) == number(rows["forward"][col("KL(p ‖ q)")])
    reverse_rows = [r for name, r in rows.items() if name.startswith("reverse")]
    best_reverse = min(number(r[col("KL(q ‖ p)")]) for r in reverse_rows)
    assert best_reverse < number(rows["forward"][col("KL(q ‖ p)")])
    centred = [r for r in reverse_rows if abs(number(r[col("mean μ")])) < 1e-3]
    assert centred and number(centred[0][col("KL(q ‖ p)")]) > best_reverse
    # kl-50: the gap NLL − KL is the same at every candidate and equals H(p̂).
    constant = tables(by_id(nb, "kl-49"))[0]
    smallest = number(lookup(constant, "smallest NLL − KL over the grid", "value"))
    largest = number(lookup(constant, "largest NLL − KL over the grid", "value"))
    entropy = number(lookup(constant, "entropy H(p̂) of the empirical distribution", "value"))
    assert abs(smallest - entropy) < 1e-6 and abs(largest - entropy) < 1e-6 and entropy > 0


# ---------------------------------------------------------------------------------------------------------
# 02: naive Monte Carlo and the ELBO


def test_monte_carlo_prose_matches_outputs(executed):
    nb = executed[MC]
    # cell-10: the typical uniform draw is far below the break-even line log 1/2²⁰ ≈ −13.9.
    median = number(lookup(tables(by_id(nb, "cell-9"))[0], "median log p(z|x)", "value"))
    assert median < -13.9 - 50, median
    # cell-15 and cell-17: the lecture's p(a, d̄) = 0.2196; unbiased p̂, log p̂ low on average; the miss fraction.
    tiny = tables(by_id(nb, "cell-16"))[0]
    assert number(lookup(tiny, "exact p(x)", "value")) == 0.2196
    assert abs(number(lookup(tiny, "mean of p̂(x)", "value")) - 0.2196) < 0.005
    assert number(lookup(tiny, "mean of log p̂(x)", "value")) < number(lookup(tiny, "exact log p(x)", "value"))
    assert abs(number(lookup(tiny, "fraction of runs that miss (b, c̄) entirely", "value")) - 0.75 ** 4) < 0.02
    # cell-24a says why single runs can lie above log p(x): they do, in the comparison table.
    comparison = tables(by_id(nb, "cell-22"))[0]
    prior_errors = [number(r[-1]) for r in comparison[1:] if r[0] == "prior p(z)"]
    assert any(e > 0 for e in prior_errors), prior_errors
    # cell-37: ELBO + KL = log p(x) at every t; cell-39: the Monte Carlo standard error vanishes at t = 1.
    path = tables(by_id(nb, "cell-38"))[0]
    col = path[0].index
    for row in path[1:]:
        assert row[col("ELBO + KL")] == row[col("log p(x)")], row
    assert number(path[-1][col("MC std error")]) == 0 and number(path[-1][col("t")]) == 1
    # cell-39: the mean-field family stops at a positive gap.
    gaps = tables(by_id(nb, "cell-41"))[0]
    assert number(lookup(gaps, "mean-field q after CAVI (exact)", "gap = KL(q ‖ p(z|x))")) > 0
    # Every exercise check passed and the score says so.
    assert re.search(r"Score: (\d+) of \1 checks correct", text_of(by_id(nb, "cell-51")))


def test_monte_carlo_exact_rho_is_printed(executed):
    """The issue's figure: n = ρ / 0.01 ≈ 1.85 × 10⁷ uniform draws for a 0.1 standard deviation (D = 20)."""
    shown = text_of(by_id(executed[MC], "cell-34a"))
    found = re.findall(r"\$(\d\.\d+)\\times10\^\{(\d+)\}\$", shown)
    assert len(found) == 3, shown
    rho, draws = (float(m) * 10 ** int(e) for m, e in found[:2])
    assert abs(draws / rho - 100) < 1e-6 * 100 + 1, (rho, draws)
    assert 1.8e7 <= draws <= 1.9e7, draws


# ---------------------------------------------------------------------------------------------------------
# 04: the amortization gap


def test_amortization_prose_matches_outputs(executed):
    nb = executed[AM]
    # 506b1a76: for the one digit, L[q] < L[q*] < log p̂(x).
    one = tables(by_id(nb, "b74661b7"))[0]
    value = lambda label: number(lookup(one, label, "estimate"))
    assert value("L[q]  (encoder)") < value("L[q*]  (320 refinement steps)") < value("log p̂(x)  (IWAE, K = 20,000)")
    # a779abfa: both gaps positive and larger than their standard errors, amortization several times approximation,
    # the held-out amortization gap larger by less than two standard errors of the difference.
    report = tables(by_id(nb, "cf5134a9"))[0]
    header = report[0]
    rows = {r[0]: r for r in report[1:]}
    approximation = rows["approximation gap log p(x) − L[q*]"]
    amortization = rows["amortization gap L[q*] − L[q]"]
    for mean_col in ("held-out: mean", "training: mean"):
        m = header.index(mean_col)
        for row in (approximation, amortization):
            assert number(row[m]) > 2 * number(row[m + 1]) > 0, (mean_col, row)
        assert number(amortization[m]) > 2 * number(approximation[m]), (mean_col, amortization, approximation)
    h, t = header.index("held-out: mean"), header.index("training: mean")
    difference = number(amortization[h]) - number(amortization[t])
    combined = (number(amortization[h + 1]) ** 2 + number(amortization[t + 1]) ** 2) ** 0.5
    assert 0 < difference < 2 * combined, (difference, combined)
    # 0bee77b3: estimated against exact — far below the standard errors except the approximation-gap row, whose
    # average is within a hundredth of a nat.
    lg = tables(by_id(nb, "99f1ba04"))[0]
    col = lg[0].index
    for row in lg[1:]:
        diff, se = abs(number(row[col("estimated − exact")])), number(row[col("s.e. across points")])
        if row[0].startswith("approximation gap"):
            assert diff < 0.01, row
        else:
            assert diff < se / 2, row
    # 29d14d5e: REINFORCE about two orders of magnitude noisier than reparameterization; the baseline removes most
    # of the excess; reparameterization still a few times better than REINFORCE with a baseline.
    variances = tables(by_id(nb, "bec20680"))[0]
    col = variances[0].index
    for row in variances[1:]:
        plain, baseline, reparam = (number(row[col(c)]) for c in ("REINFORCE", "REINFORCE + baseline", "reparameterization"))
        assert 30 < plain / reparam < 1000 and baseline < plain / 10 and 1.5 < baseline / reparam < 10, row
    # Training the encoder: the approximation gap is unchanged and the amortization gap nearly vanishes.
    trained = tables(by_id(nb, "d952e66a"))[0]
    assert lookup(trained, "random", "approximation gap") == lookup(trained, "trained, 150 steps", "approximation gap")
    assert number(lookup(trained, "trained, 150 steps", "amortization gap")) < 0.01
    assert re.search(r"Score: (\d+) of \1 checks correct", text_of(by_id(nb, "am-score")))


def test_amortization_notebook_shows_decoder_samples_and_measured_cost(executed):
    nb = executed[AM]
    samples = by_id(nb, "am-samples")
    svgs = [o for o in samples.outputs if "image/svg+xml" in (o.get("data") or {})]
    assert len(svgs) == 2, "the samples and the lattice of decoded codes"
    cost = tables(by_id(nb, "am-cost"))[0]
    per_encode = lookup(cost, "time per digit", "encoder (amortized)")
    per_refine = lookup(cost, "time per digit", "refinement (per example)")
    assert per_encode.endswith("µs") and per_refine.endswith("ms"), (per_encode, per_refine)
    assert lookup(cost, "parameters stored", "encoder (amortized)").startswith("4420")


def test_amortization_gap_spread_matches_prose(executed):
    """d5b4f462: a handful of digits carry gaps of several nats and pull the mean above the median."""
    spread = tables(by_id(executed[AM], "d6d24720"))[0]
    large = int(lookup(spread, "digits with a gap above 2 nats", "nats").split(" of ")[0])
    assert 1 <= large <= 10, large
    assert number(lookup(spread, "mean", "nats")) > 2 * number(lookup(spread, "median", "nats"))
