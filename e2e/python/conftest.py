"""Shared pytest set-up for the Python tests of the Swift (Inference) kernel and tools.

At start-up the kernelspec is installed into a temporary prefix from the built `swift-inference`
executable (or `$SWIFT_INFERENCE_BIN`), and `JUPYTER_PATH` points there, so the tests never depend on — or
change — the user's own Jupyter set-up. Likewise every runner and kernel the tests start shares one build
cache for the session (`SWIFT_INFERENCE_CACHE`): a fresh temporary folder, so every cell really compiles
once per session and the user's own cache is never read or written, or the folder named by
`SWIFT_INFERENCE_TEST_CACHE` to keep it between sessions (the cache is keyed by content and safe for
concurrent use, so reusing it can never load a stale cell).

Session fixtures `runner` and `nbconvert` execute each notebook once per path (executions.py); the suites
that look at the same lecture assert on that one run.

Under pytest-xdist (`-n 2 --dist loadgroup`, as the Makefile runs it) the controller installs the prefix and
makes the cache; the workers inherit both through the environment. Every module is one group, so module
fixtures are built once, and the modules that use `runner` or `nbconvert` form one group, so the lectures
still execute once.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from executions import CELL_TIMEOUT, Executions  # noqa: E402  (this folder, put on the path above)

REPO = Path(__file__).resolve().parents[2]
KERNEL_NAME = "swift-inference"
RUNS_AT_ONCE = max(1, min(2, os.cpu_count() or 1))  # notebook executions at once: two cores' worth


def find_swift_inference() -> Path:
    """The `swift-inference` executable to test: `$SWIFT_INFERENCE_BIN`, else the newest build."""
    explicit = os.environ.get("SWIFT_INFERENCE_BIN")
    if explicit:
        return Path(explicit)
    # What `make` builds comes first; otherwise the newest build in any scratch folder.
    for config in ("release", "debug"):
        built = REPO / ".build" / config / "swift-inference"
        if built.is_file():
            return built
    candidates = [p for p in REPO.glob(".build*/*/swift-inference") if p.is_file()]
    candidates += [p for p in REPO.glob(".build*/*/*/swift-inference") if p.is_file()]
    if not candidates:
        raise RuntimeError("no swift-inference executable found: run `swift build` first or set SWIFT_INFERENCE_BIN")
    return max(candidates, key=lambda p: p.stat().st_mtime)


# Folders this process made, removed when it ends (an xdist worker inherits them and removes nothing).
_MADE: list[str] = []
# Set by the process that made the session's prefix and cache; an xdist worker finds it and makes none.
SESSION_MARK = "SWIFT_INFERENCE_TEST_SESSION"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "xdist_group(name): the pytest-xdist worker group (conftest.py sets it)")
    if os.environ.get(SESSION_MARK):
        return
    os.environ[SESSION_MARK] = str(os.getpid())
    explicit = os.environ.get("SWIFT_INFERENCE_TEST_CACHE")
    if explicit:
        Path(explicit).mkdir(parents=True, exist_ok=True)
        os.environ["SWIFT_INFERENCE_CACHE"] = explicit
    else:
        cache = tempfile.mkdtemp(prefix="swift-inference-test-cache-")
        _MADE.append(cache)
        os.environ["SWIFT_INFERENCE_CACHE"] = cache
    if os.environ.get("SWIFT_INFERENCE_KEEP_JUPYTER_PATH"):
        return
    executable = find_swift_inference()
    prefix = tempfile.mkdtemp(prefix="swift-inference-prefix-")
    _MADE.append(prefix)
    subprocess.run(
        [str(executable), "install", "--prefix", prefix],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + os.environ.get(
        "JUPYTER_PATH", ""
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _MADE:
        shutil.rmtree(folder, ignore_errors=True)


# The fixtures whose executions are shared: every module using one runs on the same xdist worker.
SHARED_EXECUTIONS = ("runner", "nbconvert")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """xdist groups: one per module, and one for all the modules that share executed lectures."""
    modules_sharing = {item.nodeid.split("::")[0] for item in items
                       if any(name in item.fixturenames for name in SHARED_EXECUTIONS)}
    for item in items:
        name = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group("shared-executions" if name in modules_sharing else name))


@pytest.fixture(scope="session")
def kernel_name() -> str:
    """The kernelspec name the tests start."""
    return KERNEL_NAME


@pytest.fixture(scope="session")
def swift_inference_bin() -> Path:
    """The executable under test."""
    return find_swift_inference()


@pytest.fixture()
def kernel(kernel_name: str):
    """A started kernel and a blocking client with channels running; shut down afterwards."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.fixture(scope="session")
def engine_cache() -> Path:
    """The build cache every runner and kernel of the session shares (see the module's docstring)."""
    return Path(os.environ["SWIFT_INFERENCE_CACHE"])


def wanted(session: pytest.Session, fixture: str) -> list[Path]:
    """The notebooks the selected tests will ask `fixture` for, in the order they run.

    A test parametrised by `path` asks for that path; any other names them in its module's
    `<FIXTURE>_NOTEBOOKS` list.
    """
    found: list[Path] = []
    for item in session.items:
        if fixture not in getattr(item, "fixturenames", ()):
            continue
        callspec = getattr(item, "callspec", None)
        paths = [callspec.params["path"]] if callspec and "path" in callspec.params else \
            getattr(item.module, f"{fixture.upper()}_NOTEBOOKS", [])
        found += [Path(p) for p in paths if p is not None and Path(p) not in found]
    return found


@pytest.fixture(scope="session")
def execution_pool():
    """Notebook executions of the session, RUNS_AT_ONCE at a time (one process each)."""
    pool = ThreadPoolExecutor(max_workers=RUNS_AT_ONCE)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def runner(engine_cache, tmp_path_factory, execution_pool, request) -> Executions:
    """`swift-inference execute` of a notebook, once per session: `runner(path)` waits for that run."""
    binary = find_swift_inference()
    # The base temporary folder is made here, on the main thread: made lazily by the first `mktemp`, it raced
    # between a prefetching pool thread and a fixture on the main thread (FileExistsError, "not a normalized
    # and relative path"). `mktemp` itself is safe from several threads once the base exists.
    tmp_path_factory.getbasetemp()
    runs = Executions("runner", lambda path, out: [
        str(binary), "execute", str(path), "-o", str(out), "--summary", str(out / "s.json"),
        "--cache-dir", str(engine_cache), "--cell-timeout", str(CELL_TIMEOUT)], REPO, tmp_path_factory.mktemp,
        execution_pool)
    runs.prefetch(wanted(request.session, "runner"))
    return runs


@pytest.fixture(scope="session")
def nbconvert(engine_cache, tmp_path_factory, execution_pool, request) -> Executions:
    """`jupyter nbconvert --execute` of a notebook with the installed kernelspec, once per session."""
    tmp_path_factory.getbasetemp()  # on the main thread, before the pool's threads need it (see `runner`)
    runs = Executions("nbconvert", lambda path, out: [
        "jupyter", "nbconvert", "--to", "notebook", "--execute", f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}",
        "--output-dir", str(out), str(path)], REPO, tmp_path_factory.mktemp, execution_pool)
    runs.prefetch(wanted(request.session, "nbconvert"))
    return runs
