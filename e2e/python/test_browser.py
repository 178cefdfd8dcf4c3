"""A real browser runs a lecture notebook in JupyterLab with the Swift (Inference) kernel.

JupyterLab starts headless on 127.0.0.1 (a free port, a random token, root = the repository, isolated
config/runtime/settings/workspace folders, autosave off so the committed notebook is never written).
Debian's `chromium` (apt package `chromium`; `make setup` installs it) is driven through Playwright from PyPI
with `executable_path`, so Playwright's own browser downloads are never needed. The test opens the lecture
notebook with the fewest cells (examples/hello.ipynb only while notebooks/ is empty), checks that the kernel
"Swift (Inference)" is the one selected, shows hidden solution inputs (View → Expand All Code, so every code
cell's execution count is on the page; nothing is saved), runs Run → Run All Cells, waits until the kernel is idle and every
code cell has an execution count, and then checks the page: every SVG figure the notebook produces (as
counted from a `swift-inference execute` run of the same notebook) is rendered inside an output area with a
non-zero size, tables are rendered, and no error/stderr output is shown. A full-page screenshot goes to
artifacts/browser/<notebook>.png.

JupyterLab renders an image/svg+xml output as an <img> holding the SVG as a data: URL (not as an inline
<svg> element), so a rendered figure is an `img` (or an inline `svg`) inside an output whose
data-mime-type is image/svg+xml; the test also requires each <img> to have decoded (naturalWidth > 0), which
fails for an SVG the browser cannot parse.

After the run, the KL lecture's interactive cell is driven like a student would: its "q mean μ" slider (an
ipywidgets 8 FloatSlider rendered by jupyterlab_widgets) is moved with the arrow keys, 20 times, and each move
must replace the figure in the widget's output (a new SVG, whose title gives the divergences for the new q).
The median time from the key press to the new figure on the page is printed (the issue's latency target).

A missing chromium is a failure with instructions, never a skip.
"""
from __future__ import annotations

import json
import os
import shutil
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
DISPLAY_NAME = "Swift (Inference)"
SERVER_START_TIMEOUT = 180       # seconds until JupyterLab answers
KERNEL_READY_TIMEOUT = 180       # seconds until the kernel is started and idle
RUN_ALL_TIMEOUT = 900            # seconds for Run All Cells (the kernel compiles each cell with swiftc)


def chromium_executable() -> str:
    """Debian's chromium (or $CHROMIUM_BIN); fails, never skips, when it is not installed."""
    candidates = [os.environ.get("CHROMIUM_BIN"), shutil.which("chromium"), "/usr/bin/chromium",
                  "/usr/lib/chromium/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("Debian's chromium is not installed: run `make setup` (or `sudo apt-get install chromium`), "
                "or point CHROMIUM_BIN at a Chromium executable")


def pick_notebook() -> Path:
    """The lecture notebook with the fewest cells; examples/hello.ipynb only when notebooks/ is empty."""
    lectures = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not lectures:
        return ROOT / "examples" / "hello.ipynb"
    return min(lectures, key=lambda p: (len(nbformat.read(str(p), as_version=4).cells), p.name))


NOTEBOOK = pick_notebook()
RUNNER_NOTEBOOKS = [NOTEBOOK]  # what conftest.py's runner starts for this module


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(folder: Path) -> None:
    """JupyterLab user settings for the test: no autosave, every cell attached to the DOM, no news prompt."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                            "checkForUpdates": False},
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def stop(process: subprocess.Popen) -> None:
    """Stops the JupyterLab server this test started (it shuts its kernels down), by its process id."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def expected(runner) -> dict:
    """What the notebook shows when the runner executes it: the number of SVG figures and HTML tables.

    The session's runner execution (conftest.py's `runner`) also filled the shared build cache
    (`engine_cache`), so the kernel in the browser mostly loads compiled cells.
    """
    run = runner(NOTEBOOK)
    problem = run.failure("the runner could not execute it: swift-inference execute")
    assert problem is None, problem
    nb = run.executed()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    html = ["".join(o.data["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    return {
        "svg": sum("image/svg+xml" in o.get("data", {}) for o in outputs),
        "table": sum(h.count("<table") for h in html),
        "code_cells": sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip()),
    }


@pytest.fixture(scope="module")
def jupyterlab(engine_cache, tmp_path_factory):
    """A headless JupyterLab serving the repository; stopped in the finaliser, also when a test fails."""
    home = tmp_path_factory.mktemp("jupyterlab")
    for sub in ("config", "runtime", "settings", "workspaces"):
        (home / sub).mkdir()
    write_settings(home / "settings")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)  # JUPYTER_PATH from conftest.py finds the test's kernelspec
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               SWIFT_INFERENCE_CACHE=str(engine_cache))
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={ROOT}", f"--LabApp.user_settings_dir={home / 'settings'}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}",
               # Checkpoints (written on save only, but never in the repository either way).
               f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = home / "jupyterlab.log"
    log = open(log_path, "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        yield {"base": base, "token": token, "log": log_path}
    finally:
        stop(process)
        log.close()


# JavaScript run in the page.
KERNEL_READY_JS = """(name) => {
  const label = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
  const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return !!label && label.textContent.trim() === name && !!status && status.dataset.status === 'idle';
}"""

RUN_FINISHED_JS = """(codeCells) => {
  const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  if (!status || status.dataset.status !== 'idle') return false;
  const prompts = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt'));
  const numbered = prompts.filter(p => /^\\[\\d+\\]:$/.test(p.textContent.trim())).length;
  const failed = document.querySelectorAll(
    '.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length;
  return numbered >= codeCells || failed > 0;   // Run All stops at a failing cell
}"""

PAGE_STATE_JS = """async () => {
  const panel = document.querySelector('.jp-NotebookPanel');
  const figures = [];
  for (const output of panel.querySelectorAll('.jp-OutputArea-output')) {
    const isSVG = output.dataset.mimeType === 'image/svg+xml';
    const drawn = isSVG ? output.querySelectorAll('img, svg') : output.querySelectorAll('svg');
    for (const element of drawn) {
      if (element.tagName.toLowerCase() === 'svg' && element.parentElement.closest('svg')) continue;  // nested
      element.scrollIntoView({block: 'center'});
      if (element.tagName.toLowerCase() === 'img' && element.decode) { try { await element.decode(); } catch (e) {} }
      const box = element.getBoundingClientRect();
      figures.push({
        tag: element.tagName.toLowerCase(), mime: output.dataset.mimeType || '',
        width: box.width, height: box.height,
        decoded: element.tagName.toLowerCase() === 'img' ? (element.complete && element.naturalWidth > 0) : true,
      });
    }
  }
  const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map(p => p.textContent.trim());
  const stderr = Array.from(panel.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map(e => e.textContent.slice(0, 2000));
  const tables = panel.querySelectorAll('.jp-OutputArea-output table').length;
  return {figures, prompts, stderr, tables,
          kernel: (panel.querySelector('.jp-Toolbar-kernelName') || {textContent: ''}).textContent.trim()};
}"""


WIDGET_SLIDER_LABEL = "q mean μ"   # the KL lecture's interactive cell
SLIDER_MOVES = 20

WIDGET_FIGURE_JS = """(label) => {
  const sliders = Array.from(document.querySelectorAll('.jp-NotebookPanel .widget-slider'))
    .filter(s => (s.querySelector('.widget-label') || {textContent: ''}).textContent.trim() === label);
  if (sliders.length !== 1) {
    const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell'))
      .filter(c => (c.querySelector('.jp-InputArea') || {textContent: ''}).textContent.includes(label));
    const outputs = cells.flatMap(c => Array.from(c.querySelectorAll('.jp-OutputArea-output')))
      .map(o => `${o.dataset.mimeType}: ${o.textContent.slice(0, 300)}`);
    return {error: `${sliders.length} sliders labelled ${label}; the cell's outputs: ${JSON.stringify(outputs)}`};
  }
  const box = sliders[0].closest('.widget-vbox');
  const image = box && box.querySelector('.widget-output .jp-OutputArea-output[data-mime-type="image/svg+xml"] img');
  const readout = sliders[0].querySelector('.widget-readout');
  return {src: image ? image.getAttribute('src') : null, readout: readout ? readout.textContent.trim() : null,
          width: image ? image.getBoundingClientRect().width : 0};
}"""


def move_widget_slider(page) -> list[float]:
    """Moves the KL cell's mean slider one step at a time; each move must replace the figure. Returns the
    seconds from each key press to the new figure on the page."""
    first = page.evaluate(WIDGET_FIGURE_JS, WIDGET_SLIDER_LABEL)
    assert "error" not in first, first["error"]
    assert first["src"], f"the widget's output shows no SVG figure: {first}"
    assert first["readout"] == "0.00", first
    handle = page.locator(".jp-NotebookPanel .widget-slider", has_text=WIDGET_SLIDER_LABEL).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    latencies = []
    previous = first["src"]
    for move in range(1, SLIDER_MOVES + 1):
        # Timed in the page (the key's keydown to the first animation frame showing the new, decoded figure),
        # so Playwright's own round trips to the browser are not counted.
        page.evaluate("""() => { window.__moveStart = null; window.__moveEnd = null;
            document.addEventListener('keydown', () => { window.__moveStart = performance.now(); },
                                      {capture: true, once: true}); }""")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """([label, before]) => {
                const sliders = Array.from(document.querySelectorAll('.jp-NotebookPanel .widget-slider'))
                  .filter(s => (s.querySelector('.widget-label') || {textContent: ''}).textContent.trim() === label);
                const image = sliders[0].closest('.widget-vbox')
                  .querySelector('.widget-output .jp-OutputArea-output[data-mime-type="image/svg+xml"] img');
                const shown = !!image && image.getAttribute('src') !== before && image.complete && image.naturalWidth > 0;
                if (shown && window.__moveEnd === null) window.__moveEnd = performance.now();
                return shown;
            }""", arg=[WIDGET_SLIDER_LABEL, previous], timeout=30_000, polling="raf")
        start, end = page.evaluate("() => [window.__moveStart, window.__moveEnd]")
        assert start is not None and end is not None and end >= start, (move, start, end)
        latencies.append((end - start) / 1000)
        now = page.evaluate(WIDGET_FIGURE_JS, WIDGET_SLIDER_LABEL)
        assert now["readout"] == f"{0.1 * move:.2f}", (move, now["readout"])
        assert now["width"] > 0, now
        previous = now["src"]
    return latencies


def full_page_screenshot(page, path: Path) -> None:
    """The notebook scrolls inside JupyterLab's fixed layout: make the viewport as tall as the notebook
    (up to 32,000 px; Chromium captures that in one piece) so that a full-page screenshot shows every cell."""
    content = page.evaluate("""() => {
      const scroller = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
      return scroller ? scroller.scrollHeight : 0; }""")
    page.set_viewport_size({"width": 1400, "height": min(max(1000, int(content) + 200), 32000)})
    page.evaluate("() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')?.scrollTo(0, 0)")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path), full_page=True)


def test_run_all_cells_in_jupyterlab_renders_figures(jupyterlab, expected):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    before = NOTEBOOK.read_bytes()
    checkpoints = NOTEBOOK.parent / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    committed = nbformat.read(str(NOTEBOOK), as_version=4)
    assert committed.metadata.kernelspec.name == "swift-inference", committed.metadata.kernelspec
    assert expected["svg"] >= 1, f"{NOTEBOOK.name} produces no SVG figure: nothing for the browser to check"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"{NOTEBOOK.stem}.png"
    relative = NOTEBOOK.relative_to(ROOT).as_posix()
    url = f"{jupyterlab['base']}/lab/tree/{relative}?token={jupyterlab['token']}"

    with sync_playwright() as playwright:
        # Playwright's chromium driver on Debian's browser binary; no Playwright browser download.
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            console: list[str] = []   # the page's console, shown when the widget check fails
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"[:500]))
            page.goto(url, timeout=120_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
            if page.locator(".jp-Dialog").count():
                pytest.fail(f"JupyterLab asked for a kernel instead of starting {DISPLAY_NAME!r}: "
                            f"{page.locator('.jp-Dialog').inner_text()[:500]}")
            try:
                page.wait_for_function(KERNEL_READY_JS, arg=DISPLAY_NAME, timeout=KERNEL_READY_TIMEOUT * 1000)
            except PlaywrightTimeout:
                shown = page.locator(".jp-NotebookPanel .jp-Toolbar-kernelName").all_inner_texts()
                pytest.fail(f"kernel {DISPLAY_NAME!r} not selected and idle after {KERNEL_READY_TIMEOUT} s "
                            f"(toolbar shows {shown}); server log:\n{jupyterlab['log'].read_text()[-3000:]}")
            # Fold the file browser away (Ctrl+B), for more room in the screenshot; cosmetic only.
            page.keyboard.press("Control+b")

            # Solution cells are committed with their input hidden (metadata jupyter.source_hidden), which hides
            # their execution count too: View → Expand All Code shows every cell's prompt (not saved).
            page.click(".lm-MenuBar-itemLabel:text-is('View')")
            page.click(".lm-Menu-itemLabel:text-is('Expand All Code')")

            started = time.monotonic()
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            try:
                page.wait_for_function(RUN_FINISHED_JS, arg=expected["code_cells"], timeout=RUN_ALL_TIMEOUT * 1000,
                                       polling=500)
            except PlaywrightTimeout:
                full_page_screenshot(page, screenshot)
                pytest.fail(f"Run All Cells did not finish within {RUN_ALL_TIMEOUT} s (screenshot: {screenshot})")
            seconds = time.monotonic() - started
            page.wait_for_timeout(1000)  # let the last images decode and lay out

            state = page.evaluate(PAGE_STATE_JS)
            full_page_screenshot(page, screenshot)
            assert WIDGET_SLIDER_LABEL in NOTEBOOK.read_text(), (
                f"{NOTEBOOK.name} has no slider labelled {WIDGET_SLIDER_LABEL!r} for the widget check")
            try:
                latencies = move_widget_slider(page)
            except AssertionError as failure:
                raise AssertionError(f"{failure}\nbrowser console:\n" + "\n".join(console[-40:])) from None
            page.screenshot(path=str(ARTIFACTS / f"{NOTEBOOK.stem}-widget.png"))
        finally:
            browser.close()

    print(f"{NOTEBOOK.name}: Run All Cells took {seconds:.1f} s; {len(state['figures'])} figures; "
          f"screenshot {screenshot}")
    ordered = sorted(latencies)
    print(f"{NOTEBOOK.name}: slider move → new figure in the browser, p50 {1000 * ordered[len(ordered) // 2]:.0f} ms "
          f"over {len(ordered)} moves (max {1000 * ordered[-1]:.0f} ms)")
    assert state["kernel"] == DISPLAY_NAME, f"kernel shown: {state['kernel']!r}"
    assert not state["stderr"], f"{NOTEBOOK.name} shows error output in the browser:\n" + "\n---\n".join(state["stderr"])
    unnumbered = [p for p in state["prompts"] if not (p.startswith("[") and p[1:-2].isdigit())]
    assert len(state["prompts"]) - len(unnumbered) >= expected["code_cells"], (
        f"code cells without an execution count: {state['prompts']}")
    svg_figures = [f for f in state["figures"] if f["mime"] == "image/svg+xml"]
    assert len(svg_figures) >= expected["svg"], (
        f"{len(svg_figures)} SVG figures rendered in output areas, the notebook produces {expected['svg']}: {state['figures']}")
    for number, figure in enumerate(state["figures"]):
        assert figure["width"] > 0 and figure["height"] > 0, f"figure #{number} has no size: {figure}"
        assert figure["decoded"], f"figure #{number} did not decode as an image (invalid SVG?): {figure}"
    assert state["tables"] >= expected["table"], f"{state['tables']} tables rendered, expected {expected['table']}"
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000, f"no screenshot at {screenshot}"
    assert NOTEBOOK.read_bytes() == before, f"the browser session modified {NOTEBOOK}"
    assert checkpoints.exists() == had_checkpoints, f"JupyterLab wrote checkpoints into the repository: {checkpoints}"
