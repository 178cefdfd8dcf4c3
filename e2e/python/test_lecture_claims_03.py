"""Lecture 03 (EM for Gaussian mixtures): the numbers its prose quotes are the numbers its outputs show.

The tests read the session's `swift-inference execute` run of the notebook (conftest.py's `runner`, the run
whose figures and exercises test_notebooks.py checks; about a minute on two cores). Each test names
the Markdown cell whose sentence it guards (cell ids of notebooks/03-em-gaussian-mixtures.ipynb) and reads the
values from the outputs of the code cells beside it: tables (HTML), printed text, and Markdown built from
computed values. When a rerun of the notebook changes a number, the test that quotes it fails and names the
sentence to update.
"""
from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "03-em-gaussian-mixtures.ipynb"
RUNNER_NOTEBOOKS = [NOTEBOOK]  # what conftest.py's runner starts for this module


# ---------------------------------------------------------------------------------------------------------
# Reading the executed notebook


class _TableParser(HTMLParser):
    """Rows of every <table> in an HTML fragment, each row a list of cell texts (header row included)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def number(text: str) -> float:
    """A number as a table or a sentence writes it (ASCII or Unicode minus)."""
    return float(text.replace("−", "-").strip())


@pytest.fixture(scope="module")
def executed(runner):
    """The notebook as the session's runner execution left it (conftest.py's `runner`)."""
    run = runner(NOTEBOOK)
    problem = run.failure("the notebook did not run: swift-inference execute")
    assert problem is None, problem
    return run.executed()


def cell(nb, cell_id: str):
    for c in nb.cells:
        if c.get("id") == cell_id:
            return c
    pytest.fail(f"{NOTEBOOK.name} has no cell with id {cell_id!r}; a test here quotes it")


def texts(nb, cell_id: str, kind: str) -> list[str]:
    """Every output of one MIME type (or 'stream') of a code cell."""
    found = []
    for o in cell(nb, cell_id).get("outputs", []):
        if kind == "stream" and o.output_type == "stream":
            found.append(o.text)
        value = (o.get("data") or {}).get(kind)
        if value is not None:
            found.append("".join(value) if isinstance(value, list) else value)
    return found


def table(nb, cell_id: str, index: int = 0) -> list[list[str]]:
    """The rows (header first) of the index-th table a code cell shows."""
    parser = _TableParser()
    for html in texts(nb, cell_id, "text/html"):
        parser.feed(html)
    assert len(parser.tables) > index, f"cell {cell_id} shows {len(parser.tables)} tables, want #{index}"
    return parser.tables[index]


def column(rows: list[list[str]], name: str) -> list[str]:
    header = rows[0]
    matches = [i for i, h in enumerate(header) if h == name]
    assert matches, f"no column {name!r} in {header}"
    return [r[matches[0]] for r in rows[1:]]


def markdown(nb, cell_id: str) -> str:
    shown = texts(nb, cell_id, "text/markdown")
    assert shown, f"cell {cell_id} shows no Markdown"
    return "\n".join(shown)


def prose(nb, cell_id: str) -> str:
    return cell(nb, cell_id).source


# ---------------------------------------------------------------------------------------------------------
# The claims


def test_em_15_to_22_em_reaches_the_scikit_learn_optimum(executed):
    """em-15, em-21, em-61: EM ends at ℓ = −1130.264 (BIC 2322.19), as scikit-learn."""
    rows = table(executed, "em-22")
    here = dict(zip(column(rows, "quantity"), map(number, column(rows, "EM here"))))
    sklearn = dict(zip(column(rows, "quantity"), map(number, column(rows, "scikit-learn"))))
    assert round(here["log-likelihood"], 3) == -1130.264 == round(sklearn["log-likelihood"], 3)
    assert round(here["BIC"], 2) == 2322.19
    for name in here:
        assert abs(here[name] - sklearn[name]) <= 1e-3 * max(1, abs(sklearn[name])), (name, here[name], sklearn[name])
    for claim in ("-1130.264", "2322.19"):
        assert claim.replace("-", "") in prose(executed, "em-61"), claim


def test_em_17_plateau_numbers_come_from_the_run(executed):
    """em-17: after the first M-step ℓ sits near the single-Gaussian value, then a plateau, then a rise."""
    text = markdown(executed, "em-17-numbers")
    found = re.search(r"\\theta\^1\) = (-?[\d.]+)\$, against \$(-?[\d.]+)\$.*?iteration 1 to iteration (\d+), "
                      r"\$\\ell\$ gains only ([\d.]+) nats; over the next five iterations it gains ([\d.]+)", text, re.S)
    assert found, text
    first, single, plateau_end, crawl, jump = found.groups()
    assert abs(number(first) - number(single)) < 1, "ℓ(θ¹) is not near the single-Gaussian value"
    assert number(crawl) < 10 < number(jump), (crawl, jump)
    assert 8 <= int(plateau_end) <= 12, "em-17 speaks of a plateau of about ten iterations"


def test_em_25_eleven_of_twelve_lecture_starts_reach_the_optimum(executed):
    rows = table(executed, "em-24")
    finals = [number(v) for v in column(rows, "final log-likelihood")]
    seeds = [int(s) for s in column(rows, "seed")]
    at_optimum = [s for s, v in zip(seeds, finals) if round(v, 3) == -1130.264]
    assert len(at_optimum) == 11 and 7 not in at_optimum, finals
    seven = finals[seeds.index(7)]
    assert round(seven, 1) == -1285.3
    text = prose(executed, "em-25")
    assert "Eleven runs" in text and "$-1285.3$" in text and "$-1289.8$" in text
    means = column(rows, "initial means")[seeds.index(7)]
    durations = [float(x) for x in re.findall(r"\(([\d.]+),", means)]
    assert len(durations) == 2 and min(durations) > 4.4, f"seed 7 starts at {means}, not among the longest eruptions"
    k1 = number(column(table(executed, "em-31"), "log-likelihood")[0])
    assert round(k1, 1) == -1289.8


def test_em_28_three_local_optima_appear_with_random_starts(executed):
    rows = table(executed, "em-26")
    values = {round(number(v), 2) for v in column(rows, "random responsibilities")}
    assert {-1119.64, -1119.21, -1114.44} <= values, values
    assert "$-1119.64$, $-1119.21$ and $-1114.44$" in prose(executed, "em-28")


def test_em_33_model_choice_numbers(executed):
    rows = table(executed, "em-31")
    ell = [number(v) for v in column(rows, "log-likelihood")]
    assert round(ell[2] - ell[1]) == 11, "em-33: a third component buys 11 units of log-likelihood"
    for ours, theirs in zip(ell, map(number, column(rows, "scikit-learn ℓ"))):
        assert abs(ours - theirs) <= 1.5e-4, f"em-33: ℓ {ours} and scikit-learn's {theirs} differ by more than 1e-4"
    for ours, theirs in (("BIC", "scikit-learn BIC"), ("AIC", "scikit-learn AIC")):
        assert column(rows, ours) == column(rows, theirs), f"em-33: ours and scikit-learn's {ours} differ as printed"
    assert "to within $10^{-4}$, and BIC and AIC to the printed" in prose(executed, "em-33")
    sliver = max(number(v) for v in column(table(executed, "em-26"), "random responsibilities"))
    bic, aic = -2 * sliver + 17 * math.log(272), -2 * sliver + 34
    assert (round(sliver, 2), round(bic, 2), round(aic, 2)) == (-1114.44, 2324.18, 2262.88)
    assert aic < min(number(v) for v in column(rows, "AIC"))
    assert bic > number(column(rows, "BIC")[1])


def test_em_30_default_tolerance_stops_early(executed):
    rows = table(executed, "em-30-default-tolerance")
    early = [number(v) for v in column(rows, "log-likelihood when it stops")]
    converged = [number(v) for v in column(table(executed, "em-31"), "log-likelihood")][2:4]
    assert all(e < c - 0.1 for e, c in zip(early, converged)), (early, converged)


def test_exercise_3_answer_is_bic_2_and_aic_3(executed):
    printed = "".join(texts(executed, "em-predict-test", "stream"))
    assert "BIC chooses K = 2, AIC K = 3 (our fits: 2 and 3)" in printed, printed
    assert "BIC ($p\\ln N$ penalty) picks $K = 2$" in prose(executed, "em-61")


def test_halfstep_figure_shows_coordinate_ascent(executed):
    text = markdown(executed, "em-halfstep-gap")
    smallest = float(re.search(r"smallest change from one half-step to the next is (\S+) nats", text).group(1))
    assert smallest > -1e-9, "the ELBO fell between half-steps"
    after_e = float(re.search(r"the largest difference is (\S+) nats", text).group(1))
    assert after_e < 1e-8, "the E-step did not close the gap"
    widest = int(re.search(r"widest at iteration (\d+)", text).group(1))
    assert 8 <= widest <= 22, "em-halfstep-intro: the figure shows iterations 8 to 22, where the gap is widest"


def test_generalised_em_is_monotone_and_slower(executed):
    rows = table(executed, "em-gem-summary")
    reached = [int(v) for v in column(rows, "first iteration with ℓ* − ℓ < 0.01")]
    assert reached[0] < reached[1] < reached[2], reached
    assert all(number(v) > -1e-9 for v in column(rows, "smallest change of ℓ"))


def test_hard_variational_em_lowers_the_log_likelihood(executed):
    rows = table(executed, "em-hard-run")
    ell = [number(v) for v in column(rows, "ℓ(θᵗ)")]
    after_e = [number(v) for v in column(rows, "ELBO after the E-step")]
    after_m = [number(v) for v in column(rows, "ELBO after the M-step")]
    assert ell[1] < ell[0], "ℓ did not fall at the first variational EM iteration"
    bounds = [b for pair in zip(after_e, after_m) for b in pair]
    assert all(b2 >= b1 - 1e-6 for b1, b2 in zip(bounds, bounds[1:])), bounds
    assert all(b <= l + 1e-6 for b, l in zip(after_e, ell)), "the ELBO exceeded ℓ"
    assert round(ell[0], 4) == round(number(column(table(executed, "em-31"), "log-likelihood")[2]), 4)


def test_em_41_lecture_completion_weights_match(executed):
    rows = table(executed, "em-41")
    assert column(rows, "weight (library)") == column(rows, "weight (lecture)")
    assert ".0492 / .8852 / .0164 /\n  .0492" in prose(executed, "em-61")


def test_em_49_estimates_close_except_rare_parents(executed):
    rows = table(executed, "em-48")
    for name, estimate, truth in zip(column(rows, "parameter"), column(rows, "EM estimate"),
                                     column(rows, "generating value")):
        if name not in ("θc|¬a,¬b", "θc|a,¬b"):
            assert abs(number(estimate) - number(truth)) < 0.1, (name, estimate, truth)


def test_em_50_to_56_cavi_claims(executed):
    printed = "".join(texts(executed, "em-51", "stream"))
    elbos = {re.sub(r"\s", "", e) for e in re.findall(r"ELBO (-?[\d.]+)", printed)}
    sweeps = [int(s) for s in re.findall(r": (\d+) sweeps", printed)]
    assert len(elbos) == 1 and len(sweeps) == 6, printed
    assert max(sweeps) <= 30, "em-50 says all runs converge within a few sweeps"
    rows = table(executed, "em-52")
    for m, s, count, sk in zip(column(rows, "mₖ"), column(rows, "sₖ"), column(rows, "nₖ = Σᵢ φᵢₖ"),
                               column(rows, "scikit-learn mean (eruptions only)")):
        assert abs(number(s) - math.sqrt(0.15 / number(count))) < 0.01 * number(s), "em-53: sₖ ≈ σ/√nₖ"
        assert min(abs(number(count) - 100), abs(number(count) - 175)) < 5, "em-53: about 100 and 175 points"
        assert 0 < abs(number(m) - number(sk)) < 0.1, "em-53: close to, but not equal to, scikit-learn's means"
    vem = dict(zip(column(table(executed, "em-56"), "quantity"), column(table(executed, "em-56"), "variational EM")))
    assert number(vem["final ELBO"]) > float(elbos.pop()), "em-55: with learned π and σ² the ELBO climbs higher"


def test_exercise_3_hint_quotes_the_k3_runs(executed):
    """em-predict-intro: the K = 3 runs of section 5 end between −1127.1 and −1114.4."""
    rows = table(executed, "em-26")
    finals = [number(v) for name in ("random responsibilities", "random data points", "k-means")
              for v in column(rows, name)]
    assert (round(min(finals), 1), round(max(finals), 1)) == (-1127.1, -1114.4)
    assert "between $-1127.1$ and $-1114.4$" in prose(executed, "em-predict-intro")


def test_hard_em_gap_shrinks_more_than_ell_falls(executed):
    """em-hard-outro: the gap ℓ − ELBO shrinks far more than ℓ falls."""
    rows = table(executed, "em-hard-run")
    ell = [number(v) for v in column(rows, "ℓ(θᵗ)")]
    after_e = [number(v) for v in column(rows, "ELBO after the E-step")]
    gap_shrink = (ell[0] - after_e[0]) - (ell[-1] - after_e[-1])
    assert gap_shrink > 5 * (ell[0] - ell[-1]) > 0, (gap_shrink, ell[0] - ell[-1])


def test_em_50_quotes_the_reference_variances():
    """em-50: scikit-learn's variances of the eruption durations, 0.056 and 0.191, from data/SOURCES.md."""
    assert "0.05552 / 0.191023" in (ROOT / "data" / "SOURCES.md").read_text()
    assert "0.056 and 0.191" in cell(nbformat.read(str(NOTEBOOK), as_version=4), "em-50").source


def test_em_49_rare_configurations_spread_most_over_ten_data_sets(executed):
    rows = table(executed, "em-48-spread")
    ranges = {name: number(high) - number(low) for name, low, high in
              zip(column(rows, "parameter"), column(rows, "smallest"), column(rows, "largest"))}
    rare = [ranges.pop("θc|¬a,¬b"), ranges.pop("θc|a,¬b")]
    assert min(rare) > 1.5 * max(ranges.values()), (rare, ranges)


def test_em_40_worked_joint_probabilities(executed):
    """em-40: p(a, b, c, ¬d) = .0108 and p(a, b, ¬c, ¬d) = .1944, as the table beside it prints."""
    rows = table(executed, "em-41")
    joint = dict(zip(column(rows, "completion"), column(rows, "p(a, b, c, ¬d)")))
    assert (joint["(a, b, c, ¬d)"], joint["(a, b, ¬c, ¬d)"]) == ("0.0108", "0.1944")
    text = prose(executed, "em-40")
    assert "= .0108$" in text and "= .1944$" in text
