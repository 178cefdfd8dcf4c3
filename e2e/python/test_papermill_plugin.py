"""The papermill plugin (integrations/papermill): installed with pip from this checkout (into a folder of the
test's own, with no network), then papermill's CLI runs integrations/papermill/example.ipynb on the
installed kernel, and the values printed by the cell after the injected one are checked. The same values
through the kernel's own runner (`swift-inference execute -p`) must print the same."""
from __future__ import annotations

import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "integrations" / "papermill"
EXAMPLE = PLUGIN / "example.ipynb"
TIMEOUT = 600
LABEL = 'say "hi"\n\\(x) — é ✓ 😀\ttab'


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    """The environment of a Python that sees the plugin as pip installed it from this checkout."""
    target = tmp_path_factory.mktemp("papermill-plugin")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "--no-index",
         "--target", str(target), str(PLUGIN)],
        check=True, timeout=TIMEOUT)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(target) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def papermill(env, tmp_path, *args):
    output = tmp_path / "out.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--no-progress-bar", "--execution-timeout", str(TIMEOUT),
         str(EXAMPLE), str(output), *args],
        capture_output=True, text=True, env=env, timeout=TIMEOUT)
    return result, output


def printed(notebook: Path) -> dict[str, str]:
    """`name value` lines printed by the example's last cell, as {name: value}."""
    nb = nbformat.read(str(notebook), as_version=4)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    lines = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "label" and value.startswith("scalars "):
            lines["label scalars"] = value[len("scalars "):]
        else:
            lines.setdefault(key, value)
    return lines


def scalars(text: str) -> str:
    return "[" + ", ".join(str(ord(c)) for c in text) + "]"


def test_the_plugin_registers_at_papermill_import_whatever_is_imported_first(plugin_env):
    for first in ("import papermill", "import papermill_swift_inference", "import papermill.translators"):
        code = (f"{first}\nfrom papermill.translators import papermill_translators as t\n"
                "print(t.find_translator('swift-inference', 'swift').__module__)")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=plugin_env,
                                timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "papermill_swift_inference.translator", first


def test_cli_parameters_with_quotes_newlines_and_unicode(plugin_env, tmp_path):
    result, output = papermill(plugin_env, tmp_path, "-p", "components", "5", "-p", "label", LABEL,
                               "-p", "scale", "2", "-p", "limit", "None")
    assert result.returncode == 0, result.stderr[-4000:]
    nb = nbformat.read(str(output), as_version=4)
    nbformat.validate(nb)
    injected = nb.cells[2]
    assert injected.metadata.tags == ["injected-parameters"]
    assert nb.cells[1].metadata.tags == ["parameters"]
    # `scale` is declared Double in the parameters cell: `-p scale 2` (an int to papermill) stays a Double.
    assert "let scale: Double = 2.0" in injected.source
    assert "var limit: Int? = nil" in injected.source
    values = printed(output)
    assert values["components"] == "5"
    assert values["label scalars"] == scalars(LABEL)
    assert values["scale"] == "2.0"
    assert values["limit"] == "nil"


def test_yaml_lists_dictionaries_and_non_finite_numbers(plugin_env, tmp_path):
    yaml = ("{weights: [1, 2.5, .nan, -.inf, 1.0e-5], table: {b: [1, 2], a: []}, "
            "mixed: [1, \"a\", [2, \"c\"]], limit: 4}")
    # (PyYAML reads `1e-05` as a string: YAML 1.1 floats need a dot.)
    result, output = papermill(plugin_env, tmp_path, "-y", yaml)
    assert result.returncode == 0, result.stderr[-4000:]
    values = printed(output)
    assert values["weights"] == "[1.0, 2.5, nan, -inf, 1e-05]"
    assert values["table"] == '["a=[]", "b=[1, 2]"]'
    assert values["mixed"] == '["1", "a", "[2, \\"c\\"]"]'
    assert values["limit"] == "4"


def test_a_value_that_does_not_fit_its_declared_type_names_the_parameter(plugin_env, tmp_path):
    result, output = papermill(plugin_env, tmp_path, "-p", "components", "many")
    assert result.returncode != 0
    assert "papermill parameter 'components': 'many' is not a value of type Int" in result.stderr
    assert not output.exists()


def test_help_notebook_lists_the_swift_parameters(plugin_env):
    result = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(EXAMPLE)],
                            capture_output=True, text=True, env=plugin_env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "components: Int (default 3)" in result.stdout
    assert "mixture components" in result.stdout
    assert "table: [String: [Int]]" in result.stdout


def test_the_kernels_runner_reads_the_same_values(plugin_env, tmp_path, swift_inference_bin):
    """Both writers of Swift literals, on the same command-line values, make the notebook print the same."""
    args = {"components": "5", "label": LABEL, "scale": "1e-05"}
    pm_args = [a for name, value in args.items() for a in ("-p", name, value)]
    result, output = papermill(plugin_env, tmp_path, *pm_args)
    assert result.returncode == 0, result.stderr[-4000:]
    runner_dir = tmp_path / "runner"
    runner = subprocess.run([str(swift_inference_bin), "execute", str(EXAMPLE), "--output-dir", str(runner_dir),
                             *pm_args], capture_output=True, text=True, timeout=TIMEOUT)
    assert runner.returncode == 0, runner.stderr[-4000:]
    from_papermill, from_runner = printed(output), printed(runner_dir / EXAMPLE.name)
    assert from_papermill == from_runner
    assert from_papermill["label scalars"] == scalars(LABEL)
    assert float(from_papermill["scale"]) == 1e-05


def test_translator_literals_and_errors():
    # The checkout's file itself, whatever copy of the plugin this process may have imported already.
    spec = importlib.util.spec_from_file_location(
        "translator_under_test", PLUGIN / "papermill_swift_inference" / "translator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    SwiftParameterError, SwiftTranslator = module.SwiftParameterError, module.SwiftTranslator
    code = SwiftTranslator.codify({"n": None, "class": True, "inf": math.inf, "big": 2 ** 40, "empty": []})
    assert code.splitlines() == [
        "// Parameters", "let n: Any? = nil", "let `class`: Bool = true", "let inf: Double = .infinity",
        "let big: Int = 1099511627776", "let empty: [Any] = []"]
    for name, value, message in [
            ("my-name", 1, "'my-name' is not a Swift identifier"),
            ("huge", 2 ** 70, "does not fit a 64-bit Int"),
            ("bad", "\udc80", "unpaired surrogate U+DC80"),
            ("keys", {None: 1}, "dictionary key is None")]:
        with pytest.raises(SwiftParameterError, match=f"papermill parameter '{name}': .*{re.escape(message)}"):
            SwiftTranslator.codify({name: value})
