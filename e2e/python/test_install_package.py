"""`%install` of a Swift package through the installed kernel and Jupyter's own client: SwiftPM builds a small
local package, later cells import it, the session's state stays, a crash's replay loads it again, a second
kernel finds the build in the cache and builds nothing, and bad input (not a package, no such product,
odd characters) is an error that leaves the kernel and its state as they were."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

TIMEOUT = 600

MANIFEST = """// swift-tools-version:5.9
import PackageDescription
let package = Package(
    name: "{name}",
    products: [.library(name: "{name}", targets: ["{name}"])],
    targets: [.target(name: "{name}")])
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    """A folder with a small package (Shout) and a folder that is not a package."""
    root = tmp_path_factory.mktemp("packages")
    shout = root / "Shout"
    (shout / "Sources" / "Shout").mkdir(parents=True)
    (shout / "Package.swift").write_text(MANIFEST.format(name="Shout"))
    (shout / "Sources" / "Shout" / "Shout.swift").write_text(
        'public func shout(_ text: String) -> String { text.uppercased() + "!" }\n'
        "public struct Stack { public var items: [Int] = []; public init() {}\n"
        "    public mutating func push(_ x: Int) { items.append(x) } }\n")
    (root / "NotAPackage").mkdir()
    (root / "NotAPackage" / "notes.txt").write_text("no manifest here\n")
    return root


def run(kc, code, timeout=TIMEOUT):
    """Executes a cell; returns (reply content, stdout, the stream messages' times as the kernel stamped them,
    text/plain result, error content)."""
    found = {"stdout": "", "streams": [], "result": None, "error": None}

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            found["streams"].append(msg["header"]["date"])
            if content["name"] == "stdout":
                found["stdout"] += content["text"]
        elif kind == "execute_result":
            found["result"] = content["data"].get("text/plain")
        elif kind == "error":
            found["error"] = content

    reply = kc.execute_interactive(code, output_hook=hook, timeout=timeout)
    return reply["content"], found["stdout"], found["streams"], found["result"], found["error"]


def value(kc, code):
    reply, _, _, result, error = run(kc, code)
    assert reply["status"] == "ok", error
    return result


def install_line(path: Path, product: str) -> str:
    return f"%install .package(path: {json.dumps(str(path))}) {product}"


def test_install_import_state_crash_and_a_second_kernel_from_the_cache(kernel, kernel_name, packages):
    _, kc = kernel
    assert value(kc, "var before = 20\nlet label = \"kept\"") is None
    reply, stdout, streams, _, error = run(kc, install_line(packages / "Shout", "Shout"))
    assert reply["status"] == "ok", error
    assert "Installing Shout from .package(path: " in stdout
    assert "Cells can now import Shout." in stdout
    # The package is new to the cache (its folder is this run's own): SwiftPM builds it, and its progress
    # comes while it builds, in several stream messages spread over the build, not in one at the end.
    assert "Compiling" in stdout and "Built in" in stdout, stdout
    assert len(streams) >= 3, (streams, stdout)
    stamps = sorted(streams)
    assert (stamps[-1] - stamps[0]).total_seconds() > 0.2, stamps
    assert value(kc, 'import Shout\nshout("hi")') == '"HI!"'
    assert value(kc, "var stack = Stack()\nstack.push(before)\nstack.push(22)\nstack.items.reduce(0, +)") == "42"
    assert value(kc, "label") == '"kept"'

    # A crash: the worker is replaced, the replay loads the package before the cells that use it.
    reply, _, _, _, error = run(kc, "let xs = [1]\nxs[5]")
    assert reply["status"] == "error" and "Index out of range" in error["evalue"], error
    assert value(kc, "stack.items") == "[20, 22]"
    assert value(kc, 'shout("again")') == '"AGAIN!"'

    # Installing again in the same session changes nothing.
    reply, stdout, _, _, error = run(kc, install_line(packages / "Shout", "Shout"))
    assert reply["status"] == "ok", error
    assert "already installed in this session" in stdout

    # A second kernel with the same cache builds nothing.
    from jupyter_client.manager import start_new_kernel

    km2, kc2 = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    try:
        reply, stdout, _, _, error = run(kc2, install_line(packages / "Shout", "Shout"))
        assert reply["status"] == "ok", error
        assert "Found in the package cache (built earlier; nothing to build)" in stdout, stdout
        assert "Compiling" not in stdout
        assert value(kc2, 'import Shout\nshout("second")') == '"SECOND!"'
    finally:
        kc2.stop_channels()
        km2.shutdown_kernel(now=False)


def test_bad_installs_are_errors_and_the_kernel_goes_on(kernel, packages):
    _, kc = kernel
    assert value(kc, "let survivor = 99") is None

    reply, _, _, _, error = run(kc, install_line(packages / "NotAPackage", "Anything"))
    assert reply["status"] == "error"
    assert error["ename"] == "InstallError"
    assert "Package.swift" in error["evalue"] and "doesn't exist" in error["evalue"], error

    reply, _, _, _, error = run(kc, install_line(packages / "Shout", "Whisper"))
    assert reply["status"] == "error"
    assert error["ename"] == "InstallError"
    assert "product 'Whisper'" in error["evalue"], error

    for bad in ["%install", '%install .package(path: "/x")', "%install .package(path: \u201c/x\u201d) P",
                '%install .package(path: "/x") Sh\'out']:
        reply, _, _, _, error = run(kc, bad)
        assert reply["status"] == "error", bad
        assert error["ename"] == "UsageError", (bad, error)

    assert value(kc, "survivor + 1") == "100"
    reply, stdout, _, _, _ = run(kc, "%lsmagic")
    assert "%install .package(path:" in stdout
