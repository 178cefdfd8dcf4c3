"""Shared pytest set-up for the Python tests of the Swift (Inference) kernel and tools.

Generic fixtures only. At start-up the kernelspec is installed into a temporary prefix from the
built `swift-inference` executable (or `$SWIFT_INFERENCE_BIN`), and `JUPYTER_PATH` points there, so the
tests never depend on — or change — the user's own Jupyter set-up.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KERNEL_NAME = "swift-inference"


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


_PREFIX: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _PREFIX
    if os.environ.get("SWIFT_INFERENCE_KEEP_JUPYTER_PATH"):
        return
    executable = find_swift_inference()
    _PREFIX = tempfile.mkdtemp(prefix="swift-inference-prefix-")
    subprocess.run(
        [str(executable), "install", "--prefix", _PREFIX],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    os.environ["JUPYTER_PATH"] = os.path.join(_PREFIX, "share", "jupyter") + os.pathsep + os.environ.get(
        "JUPYTER_PATH", ""
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREFIX:
        shutil.rmtree(_PREFIX, ignore_errors=True)


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


sys.path.insert(0, str(Path(__file__).parent))
