"""`swift-inference execute --shard k/n --reports DIR` and `swift-inference merge-reports`, as a CI matrix
uses them: three machines each run their slice (given the notebooks in different orders), the merge has
every notebook once, fails because one notebook failed, and a missing shard or a bad `--shard` value is a
clear error. Cost: four one-cell notebooks compiled once each (~5 s).
"""
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import nbformat
from conftest import find_swift_inference

EXIT = {"success": 0, "cell_error": 1, "bad_input": 4, "usage": 64}


def cli(*args, cwd=None):
    return subprocess.run([str(find_swift_inference()), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def write_notebook(path, source):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "swift-inference", "display_name": "Swift (Inference)", "language": "swift"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def test_three_shards_merge_into_one_failing_report(tmp_path):
    course = tmp_path / "course"
    names = ["a.ipynb", "b.ipynb", "c/broken.ipynb", "d.ipynb"]
    for name in names:
        source = 'let missing: Int = "not an Int"' if "broken" in name else f'print("{name} ran")'
        write_notebook(course / name, source)
    orders = [names, list(reversed(names)), names[2:] + names[:2]]
    cache = str(tmp_path / "cache")
    ran = {}
    for k, order in enumerate(orders, start=1):
        result = cli("execute", *order, "--shard", f"{k}/3", "--reports", str(tmp_path / f"shard-{k}"),
                     "--output-dir", str(tmp_path / f"out-{k}"), "--cache-dir", cache, cwd=course)
        summary = json.loads((tmp_path / f"shard-{k}" / "summary.json").read_text())
        assert summary["shard"] == {"index": k, "count": 3}
        ran[k] = [n["input"] for n in summary["notebooks"]]
        assert result.returncode == (EXIT["cell_error"] if "c/broken.ipynb" in ran[k] else 0), result.stderr
    # Sorted a, b, c/broken, d: the first and fourth to shard 1, whatever order each machine was given.
    assert ran == {1: ["a.ipynb", "d.ipynb"], 2: ["b.ipynb"], 3: ["c/broken.ipynb"]}

    merged = tmp_path / "merged"
    result = cli("merge-reports", *(str(tmp_path / f"shard-{k}") for k in (3, 1, 2)), "--output", str(merged))
    assert result.returncode == EXIT["cell_error"], result.stdout + result.stderr
    assert "3 of 4 notebooks succeeded" in result.stdout
    summary = json.loads((merged / "summary.json").read_text())
    assert [n["input"] for n in summary["notebooks"]] == names
    assert summary["exit_code"] == EXIT["cell_error"]
    suites = ET.parse(merged / "junit.xml").getroot()
    assert sorted(s.get("name") for s in suites.iter("testsuite")) == names
    assert suites.get("tests") == "4" and suites.get("errors") == "1"
    index = (merged / "html" / "index.html").read_text()
    assert all(f'href="{os.path.basename(n).replace(".ipynb", ".html")}"' in index for n in names)
    assert sorted(p.name for p in (merged / "html").iterdir()) == ["a.html", "b.html", "broken.html", "d.html", "index.html"]

    # A lost shard is an error, not a smaller green report.
    result = cli("merge-reports", str(tmp_path / "shard-1"), str(tmp_path / "shard-2"), "--output", str(tmp_path / "m2"))
    assert result.returncode == EXIT["bad_input"]
    assert "shard 3/3 missing" in result.stderr, result.stderr
    assert not (tmp_path / "m2").exists()


def test_bad_shard_values_are_usage_errors(tmp_path):
    write_notebook(tmp_path / "a.ipynb", "print(1)")
    for value, expected in [("4/3", "shard 4 does not exist"), ("two/3", "not of the form k/n"), ("1/0", "at least 1")]:
        result = cli("execute", str(tmp_path / "a.ipynb"), "--shard", value)
        assert result.returncode == EXIT["usage"], (value, result.stderr)
        assert expected in result.stderr, result.stderr
    assert not (tmp_path / "executed").exists()
