"""Executions of notebooks shared by the suites: each notebook runs once per session and per path.

Several suites look at the same executed lecture (test_notebooks.py checks its figures and exercises, the
claims tests read numbers from its tables, the browser test counts its figures). Executing a lecture costs
about a minute on two cores, so each path runs it once and every suite asserts on that one run:

- `runner`: `swift-inference execute` (the headless runner), one process per notebook;
- `nbconvert`: `jupyter nbconvert --to notebook --execute`, i.e. nbclient's ExecutePreprocessor against the
  installed kernelspec, with the notebook's folder as the working directory (nbconvert's default).

conftest.py holds the session fixtures; this module only knows how to run and remember.
"""
from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

import nbformat

CELL_TIMEOUT = 600  # seconds per cell (the first cell also loads the support modules)
NOTEBOOK_TIMEOUT = 1800  # seconds per notebook: the way out when a process hangs


class Execution:
    """One finished run of one notebook: the process result, the file before and after, the output folder."""

    def __init__(self, path: Path, out: Path, result: subprocess.CompletedProcess, before: bytes, after: bytes,
                 seconds: float):
        self.path, self.out, self.result = path, out, result
        self.before, self.after, self.seconds = before, after, seconds
        self.summary_path = out / "s.json"
        self.executed_path = out / path.name

    def executed(self):
        """The executed notebook, read fresh each time so no suite sees another's edits."""
        return nbformat.read(str(self.executed_path), as_version=4)

    def failure(self, what: str) -> str | None:
        """None when the run succeeded, else a message naming the notebook, the exit status and the stderr tail."""
        if self.result.returncode == 0:
            return None
        return f"{what} {self.path.name} exited {self.result.returncode}:\n{self.result.stderr[-6000:]}"


class Executions:
    """Runs `command(path, out)` at most once per notebook; a shared pool bounds how many run at once.

    `prefetch` queues the notebooks the selected tests will ask for, in the order they will ask, so later
    ones run in the background while earlier tests look at theirs.
    """

    def __init__(self, name: str, command: Callable[[Path, Path], list[str]], cwd: Path,
                 make_folder: Callable[[str], Path], pool: ThreadPoolExecutor):
        self.name, self.command, self.cwd, self.make_folder, self.pool = name, command, cwd, make_folder, pool
        self.runs: dict[Path, Future] = {}
        self.lock = threading.Lock()

    def _run(self, path: Path) -> Execution:
        out = self.make_folder(f"{self.name}-{path.stem}")
        before = path.read_bytes()
        started = time.monotonic()
        try:
            result = subprocess.run(self.command(path, out), cwd=self.cwd, capture_output=True, text=True,
                                    timeout=NOTEBOOK_TIMEOUT)
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else expired.stderr
            result = subprocess.CompletedProcess(expired.cmd, -1, "", f"timed out after {NOTEBOOK_TIMEOUT} s\n{stderr or ''}")
        return Execution(path, out, result, before, path.read_bytes(), time.monotonic() - started)

    def _submit(self, path: Path) -> Future:
        path = path.resolve()  # one key per file, however a suite spelled its path
        with self.lock:
            if path not in self.runs:
                self.runs[path] = self.pool.submit(self._run, path)
            return self.runs[path]

    def prefetch(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self._submit(path)

    def __call__(self, path: Path) -> Execution:
        return self._submit(path).result()
