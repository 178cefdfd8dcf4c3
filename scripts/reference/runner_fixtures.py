"""Writes the runner's fixture notebooks with nbformat itself (run once; the files are committed).

- Tests/NotebookRunnerTests/Fixtures/nbformat-written.ipynb: every output type, written by
  nbformat.write, so the Swift writer can be checked byte for byte against nbformat's layout.
- Tests/NotebookRunnerTests/Fixtures/hello.ipynb and parameters.ipynb: small Swift notebooks that the
  runner, nbconvert and papermill execute in e2e/python.
"""
import os

import nbformat
from nbformat.v4 import (new_code_cell, new_markdown_cell, new_notebook, new_output,
                         new_raw_cell)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Tests", "NotebookRunnerTests", "Fixtures")

KERNELSPEC = {"name": "swift-inference", "display_name": "Swift (Inference)", "language": "swift"}
LANGUAGE_INFO = {"name": "swift", "file_extension": ".swift", "mimetype": "text/x-swift",
                 "pygments_lexer": "swift", "codemirror_mode": "swift", "version": "6.3.1"}


def write(name, nb):
    nbformat.validate(nb)
    with open(os.path.join(FIXTURES, name), "w", encoding="utf-8") as f:
        nbformat.write(nb, f)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">\n'
           ' <rect width="40" height="20" fill="#eef"/>\n'
           ' <text x="2" y="14">ELBO \u2264 log p(x)</text>\n</svg>')
    code = new_code_cell(
        source="let q = Normal(mean: 0, standardDeviation: 1)\nprint(\"KL =\", kl)\nchart",
        execution_count=3,
        outputs=[
            new_output("stream", name="stdout", text="KL = 0.125\nsecond line\n"),
            new_output("stream", name="stderr", text="warning: slow\n"),
            new_output("display_data", data={"text/plain": "Chart", "image/svg+xml": svg,
                                              "application/json": {"points": [1, 2.5, -3e-05]}}),
            new_output("execute_result", execution_count=3,
                       data={"text/plain": "Normal(mean: 0.0, sd: 1.0)",
                             "text/html": "<table>\n<tr><td>\u03bc</td><td>0</td></tr>\n</table>"}),
        ],
        id="kl-cell")
    failing = new_code_cell(
        source="fatalError(\"boom\")", execution_count=4, id="fail-cell",
        outputs=[new_output("error", ename="Fatal error", evalue="boom",
                            traceback=["Fatal error: boom", "  at cell 4, line 1"])])
    nb = new_notebook(
        cells=[
            new_markdown_cell("# KL divergence\n\nThe *ELBO* bounds $\\log p(x)$.", id="intro"),
            code,
            failing,
            new_code_cell(source="", id="empty-cell"),
            new_raw_cell("raw text", id="raw-cell"),
        ],
        metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO, "custom": {"keep": True}})
    write("nbformat-written.ipynb", nb)

    hello = new_notebook(
        cells=[
            new_markdown_cell("# Hello\n\nA notebook the runner and Jupyter's clients both execute.", id="title"),
            new_code_cell('print("hello from Swift")', id="greet"),
            new_code_cell("let answer = 6 * 7\nanswer", id="answer"),
        ],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "swift"}})
    write("hello.ipynb", hello)

    params = new_notebook(
        cells=[
            new_markdown_cell("# Parameters\n\n`seed` and `scale` can be set with `-p`.", id="title"),
            new_code_cell("let seed = 1\nlet scale: Double = 0.5", id="defaults",
                          metadata={"tags": ["parameters"]}),
            new_code_cell('print("seed \\(seed) scale \\(scale)")', id="use"),
        ],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "swift"}})
    write("parameters.ipynb", params)


if __name__ == "__main__":
    main()
