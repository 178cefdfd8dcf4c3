"""The shared, pre-warmed build cache: `swift-inference warm` fills it, many kernels read it at once.

- Six kernels at once (six nbclient processes, each with a private writable cache of its own, all reading
  one warm cache through SWIFT_INFERENCE_SHARED_CACHE) run lecture 1, all green. One entry of the warm cache
  was tampered with (one byte of its library): every kernel compiles that cell into its own cache and never
  loads the shared copy — checked in the worker's own /proc/self/maps — and says so once in its log
  (stderr, the Jupyter server's log), not in a cell's output. Nothing else is compiled.
- Two warm runs into one folder at once leave every entry matching its manifest (checked here with hashlib,
  independently of the Swift code), and the folder readable by all and writable by its owner only.
- Bad input: a cache folder that cannot be written, and no folder at all, get clear errors.

Cost: warming lecture 1 (every cell compiles once, ~30 s) and the six kernels (~40 s on two cores).
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
from conftest import KERNEL_NAME, find_swift_inference

ROOT = Path(__file__).resolve().parents[2]
LECTURE = ROOT / "notebooks" / "01-kl-divergence.ipynb"
HELLO = ROOT / "examples" / "hello.ipynb"
KERNELS = 6
TIMEOUT = 900

# Run last in each student's kernel: the cell libraries its worker has mapped.
MAPS_CELL = """import Foundation
// Read to the end: /proc files say they are empty, and a read by size stops at the first page.
let mapsText = String(decoding: FileHandle(forReadingAtPath: "/proc/self/maps")!.readDataToEndOfFile(), as: UTF8.self)
let mappedCellLibraries = mapsText
    .split(separator: "\\n").compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).last }
    .filter { $0.contains("/libCell_") }
print(Set(mappedCellLibraries.map(String.init)).sorted().joined(separator: "\\n"))"""


def installed_binary() -> str:
    """The `swift-inference` the installed kernelspec runs (conftest installs it into a temporary prefix)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]


def warm(cache: Path, *notebooks: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([installed_binary(), "warm", "--cache", str(cache), *map(str, notebooks)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, out, err


def manifest_problems(cache: Path) -> tuple[list[str], list[str]]:
    """Every entry's files checked against its manifest with hashlib: (sound names, problems)."""
    sound, problems = [], []
    for manifest in sorted((cache / "manifests").glob("*.sha256")):
        lines = manifest.read_text().splitlines()
        if lines[0] != "swift-inference cache entry 1" or len(lines) != 3:
            problems.append(f"{manifest}: bad manifest {lines!r}")
            continue
        ok = True
        for line in lines[1:]:
            relative, size, digest = line.split(" ")
            data = (cache / relative).read_bytes()
            if len(data) != int(size) or hashlib.sha256(data).hexdigest() != digest:
                problems.append(f"{cache / relative} does not match {manifest}")
                ok = False
        if ok:
            sound.append(manifest.stem)
    return sound, problems


def student(notebook: str, result: str) -> None:
    """One student's first run of the lecture in a fresh kernel (a subprocess of the test, see __main__)."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MAPS_CELL))
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=600, startup_timeout=120,
                            resources={"metadata": {"path": os.path.dirname(notebook)}})
    client.execute()
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    stderr = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    maps = "".join(o.text for o in nb.cells[-1].outputs if o.output_type == "stream" and o.name == "stdout")
    Path(result).write_text(json.dumps({"errors": errors, "stderr": stderr, "maps": maps.split()}))


def test_six_kernels_share_one_warm_cache_and_never_load_a_tampered_entry(tmp_path):
    shared = tmp_path / "warm"
    code, out, err = finish(warm(shared, LECTURE))
    assert code == 0, f"warm failed ({code}):\n{out}\n{err}"
    sound, problems = manifest_problems(shared)
    assert not problems and len(sound) >= 20, (sound, problems)
    assert "SWIFT_INFERENCE_SHARED_CACHE" in out

    # Tamper with the first cell's library: one byte, same size.
    manifests = sorted((shared / "manifests").glob("*.sha256"), key=lambda p: p.stat().st_mtime_ns)
    victim = manifests[0].stem
    library = shared / "libraries" / f"lib{victim}.so"
    data = bytearray(library.read_bytes())
    data[len(data) // 2] ^= 0xFF
    library.write_bytes(bytes(data))

    students = []
    for index in range(KERNELS):
        private = tmp_path / f"student-{index}"
        env = dict(os.environ, SWIFT_INFERENCE_CACHE=str(private), SWIFT_INFERENCE_SHARED_CACHE=str(shared))
        log = open(tmp_path / f"kernel-{index}.log", "w")
        process = subprocess.Popen([sys.executable, __file__, str(LECTURE), str(tmp_path / f"result-{index}.json")],
                                   env=env, stdout=log, stderr=log, cwd=ROOT)
        students.append((index, private, process, log))
    for index, private, process, log in students:
        process.wait(timeout=TIMEOUT)
        log.close()
        text = (tmp_path / f"kernel-{index}.log").read_text()
        assert process.returncode == 0, f"student {index} failed:\n{text[-4000:]}"
        result = json.loads((tmp_path / f"result-{index}.json").read_text())
        assert result["errors"] == [], f"student {index}: {result['errors']}"
        assert result["stderr"] == [], f"student {index}: the cache note must not reach a cell: {result['stderr']}"

        maps = result["maps"]
        own = sorted(p for p in maps if p.startswith(str(private)))
        from_shared = [p for p in maps if p.startswith(str(shared))]
        assert str(library) not in maps, f"student {index} loaded the tampered library"
        assert str(private / "libraries" / f"lib{victim}.so") in own and len(own) == 2, (index, own)
        assert len(from_shared) == len(sound) - 1, (index, len(from_shared), len(sound))
        # Compiled: the tampered cell and the maps cell, nothing else.
        written = sorted(p.stem for p in (private / "manifests").glob("*.sha256"))
        assert victim in written and len(written) == 2, (index, written)
        notes = [line for line in text.splitlines() if "build cache" in line]
        assert len(notes) == 1 and victim in notes[0] and "does not match the SHA-256" in notes[0], (index, notes)


def test_two_warm_runs_into_one_folder_at_once_leave_sound_entries(tmp_path):
    shared = tmp_path / "warm"
    runs = [warm(shared, HELLO) for _ in range(2)]
    for run in runs:
        code, out, err = finish(run)
        assert code == 0, f"{out}\n{err}"
    sound, problems = manifest_problems(shared)
    cells = [c for c in nbformat.read(str(HELLO), as_version=4).cells if c.cell_type == "code"]
    assert not problems and len(sound) == len(cells), (sound, problems)
    leftovers = [p.name for p in (shared / "manifests").iterdir() if not p.name.endswith(".sha256")]
    assert not leftovers
    for path in [shared, *shared.glob("*/*")]:
        if path.parent.name == "work" or path.name == "work":
            continue
        mode = path.stat().st_mode
        assert mode & stat.S_IROTH and not mode & (stat.S_IWGRP | stat.S_IWOTH), f"{path}: {oct(mode)}"


def test_warm_bad_input_gets_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, out, err = finish(warm(blocker / "cache", HELLO))
    assert code == 4, (code, out, err)
    assert str(blocker / "cache") in err and "cannot be written" in err, err
    assert not any(tmp_path.glob("**/manifests"))

    env = {k: v for k, v in os.environ.items() if k != "SWIFT_INFERENCE_SHARED_CACHE"}
    # A build folder (not an installed layout) and no variable: nowhere to warm by default.
    result = subprocess.run([str(find_swift_inference()), "warm", str(HELLO)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 64 and "give --cache DIR" in result.stderr, result.stderr


if __name__ == "__main__":
    student(sys.argv[1], sys.argv[2])
