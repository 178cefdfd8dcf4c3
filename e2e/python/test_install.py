"""Installing like a real tool: a read-only prefix, two users on one machine sharing /tmp, and `doctor`.

What runs for real, as on a course server (The Littlest JupyterHub: one system user per student, one /tmp):
- `scripts/install.sh --prefix P` — the install steps the Makefile, the Dockerfile and binder/postBuild run —
  as uid 1000 (Jupyter's images' user) whose HOME is an empty folder that differs from the password file's
  home, from a copy of the build products that is deleted afterwards (the build step itself is what
  `make build` runs; it is not repeated here, it takes minutes);
- the prefix made read-only (chmod -R a-w), then one kernel per user, uid 1000 and a second user, started at
  the same time through jupyter_client, each running cells as that user (setpriv) with /tmp shared;
- `swift-inference doctor` as uid 1000: OK for the good install, FAIL naming the problem for a kernelspec whose
  executable is gone and for a cache folder the user cannot write;
- `install --user`, `--sys-prefix` (a venv whose `jupyter` script names its Python), `--prefix`, and the
  errors for two destinations at once and for a system-wide install without the rights.

The machine's Python (pyenv under /root) is not readable by other users, so jupyter_client runs as root and
the kernel it starts drops to the user (the kernelspec's argv runs setpriv), as a spawner would.
Needs root (to create users and switch to them); as another user every test fails and says so.
Costs about 30 s.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, find_swift_inference

SECOND_USER = "swinf-student2"
TIMEOUT = 240
USER_PATH = "/usr/local/bin:/usr/bin:/bin"  # no toolchain on PATH: the kernel must find /opt/swift itself


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.fail(
            "test_install.py must run as root: it creates the users uid 1000 and "
            f"{SECOND_USER} (useradd) and runs kernels as them (setpriv); run it as root, as CI does"
        )


def ensure_user(name: str, uid: int | None) -> pwd.struct_passwd:
    """The user with `uid` (any name), else `name`; created with useradd when missing."""
    try:
        return pwd.getpwuid(uid) if uid is not None else pwd.getpwnam(name)
    except KeyError:
        pass
    command = ["useradd", "--no-create-home", "--shell", "/bin/sh"]
    command += ["--uid", str(uid)] if uid is not None else ["--system"]
    subprocess.run(command + [name], capture_output=True)  # another test run may have made it meanwhile
    return pwd.getpwuid(uid) if uid is not None else pwd.getpwnam(name)


def private_folder(owner: pwd.struct_passwd | None = None, mode: int = 0o755) -> Path:
    """A new folder (mkdtemp) others may enter; owned by `owner` when given."""
    folder = Path(tempfile.mkdtemp(prefix="swift-inference-install-test-"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    folder.chmod(mode)
    return folder


def as_user(user: pwd.struct_passwd, home: Path, command: list[str], env: dict[str, str] | None = None,
            **kwargs) -> subprocess.CompletedProcess:
    """Runs `command` as `user` with a clean environment whose HOME is `home`."""
    environment = {"HOME": str(home), "PATH": USER_PATH, "LANG": "C.UTF-8"} | (env or {})
    prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", "env", "-i"]
    prefix += [f"{key}={value}" for key, value in environment.items()]
    return subprocess.run(prefix + command, capture_output=True, text=True, timeout=TIMEOUT, cwd=home, **kwargs)


def built_products(stage: Path) -> Path:
    """Copies what `install` takes from a build folder into `stage/build` (read by any user)."""
    built = find_swift_inference().parent
    target = stage / "build"
    (target / "Modules").mkdir(parents=True)
    for name in ("swift-inference", "swift-inference-worker", "libNotebookSupport.so"):
        shutil.copy2(built / name, target / name)
    # Every module of the build, as in a real build folder: which of them an install needs is the
    # kernel's own list (LibraryModules.installed), not this test's.
    for source in (built / "Modules").iterdir():
        if source.is_file() and source.suffix in (".swiftmodule", ".swiftdoc", ".swiftsourceinfo"):
            shutil.copy2(source, target / "Modules" / source.name)
    (stage / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "install.sh", stage / "scripts" / "install.sh")
    shutil.copytree(REPO / "kernelspec", stage / "kernelspec")
    for path in [stage, *stage.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    return target


@pytest.fixture(scope="module")
def users():
    require_root()
    return ensure_user("jovyan", 1000), ensure_user(SECOND_USER, None)


@pytest.fixture(scope="module")
def homes(users):
    """An empty home folder per user, not the password file's home."""
    made = [private_folder(user, 0o700) for user in users]
    yield made
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(users, homes):
    """The prefix scripts/install.sh filled as uid 1000, then made read-only; the build copy is gone."""
    jovyan, _ = users
    stage = private_folder()
    parent = private_folder()
    prefix = parent / "prefix"
    prefix.mkdir()
    os.chown(prefix, jovyan.pw_uid, jovyan.pw_gid)
    try:
        built = built_products(stage)
        done = as_user(jovyan, homes[0], ["sh", str(stage / "scripts" / "install.sh"), "--prefix", str(prefix)],
                       env={"SWIFT_INFERENCE_BUILT": str(built), "PATH": USER_PATH + ":/opt/swift/usr/bin"})
        assert done.returncode == 0, f"install.sh as uid 1000 failed:\n{done.stdout}\n{done.stderr}"
    finally:
        shutil.rmtree(stage)
    subprocess.run(["chmod", "-R", "a-w", str(prefix)], check=True)
    yield prefix
    subprocess.run(["chmod", "-R", "u+w", str(prefix)], check=True)
    shutil.rmtree(parent, ignore_errors=True)


def test_install_script_as_uid_1000_lays_out_the_prefix(installed):
    spec = json.loads((installed / "share/jupyter/kernels/swift-inference/kernel.json").read_text())
    executable = Path(spec["argv"][0])
    assert executable == installed / "share/swift-inference/bin/swift-inference"
    assert spec["display_name"] == "Swift (Inference)" and spec["language"] == "swift"
    for relative in ("bin/swift-inference-worker", "lib/libNotebookSupport.so", "modules/Inference.swiftmodule",
                     "modules/NotebookJSON.swiftmodule", "modules/symbols/Inference.symbols.json",
                     "modules/NumericsCore.swiftmodule", "toolchain-version.txt"):
        assert (installed / "share/swift-inference" / relative).is_file(), relative
    # Only what cells load: not the engine's own modules, though the build folder had them all.
    assert not (installed / "share/swift-inference/modules/CellEngine.swiftmodule").exists()
    link = installed / "bin/swift-inference"
    assert link.is_symlink() and link.resolve() == executable
    assert (installed / "share/jupyter/kernels/swift-inference/logo-64x64.png").is_file()
    leftovers = [p for p in installed.rglob(".*") if ".new-" in p.name or ".link-" in p.name]
    assert not leftovers, leftovers
    assert not (installed.stat().st_mode & stat.S_IWUSR)


DRIVER = textwrap.dedent(
    """
    import json, sys
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=120)
    results = []
    try:
        for code in sys.argv[2:]:
            outputs = []
            reply = kc.execute_interactive(code, timeout=240, output_hook=lambda m: outputs.append(m))
            text = [m["content"].get("data", {}).get("text/plain") or m["content"].get("text")
                    or " ".join([m["content"].get("ename", ""), m["content"].get("evalue", "")])
                    for m in outputs if m["msg_type"] in ("execute_result", "stream", "error")]
            results.append({"status": reply["content"]["status"], "text": text})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)  # a shutdown_request: the kernel removes its private TMPDIR
    print(json.dumps(results))
    """
)


def kernelspec_as(user: pwd.struct_passwd, home: Path, prefix: Path, folder: Path) -> str:
    """A kernelspec that starts the installed kernel as `user`, with HOME=`home` and a clean environment."""
    name = f"swift-inference-as-{user.pw_uid}"
    spec_dir = folder / "kernels" / name
    spec_dir.mkdir(parents=True)
    launcher = spec_dir / "launch.sh"
    executable = prefix / "share/swift-inference/bin/swift-inference"
    # The connection file jupyter_client wrote is root's (mode 600): hand the user a copy of their own.
    launcher.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        set -e
        connection=$(mktemp {home}/connection-XXXXXX.json)
        cat "$1" > "$connection"
        chown {user.pw_uid}:{user.pw_gid} "$connection"
        cd {home}
        exec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} --init-groups env -i HOME={home} \\
            PATH={USER_PATH} LANG=C.UTF-8 {executable} kernel --connection-file "$connection"
        """))
    launcher.chmod(0o755)
    spec = {"argv": ["/bin/sh", str(launcher), "{connection_file}"], "display_name": name, "language": "swift",
            "interrupt_mode": "message"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return name


def tmp_entries_of(uids: set[int]) -> set[str]:
    found = set()
    for entry in os.scandir("/tmp"):
        try:
            if entry.stat(follow_symlinks=False).st_uid in uids:
                found.add(entry.name)
        except FileNotFoundError:
            continue
    return found


def test_two_users_run_cells_at_once_from_the_read_only_prefix(users, homes, installed):
    uids = {user.pw_uid for user in users}
    password_homes = [Path(user.pw_dir) / ".cache/swift-inference" for user in users]
    caches_before = [home.exists() for home in password_homes]
    tmp_before = tmp_entries_of(uids)
    # What a kernel killed with SIGKILL leaves: its private TMPDIR, named with its (now unused) process id.
    dead_pid = next(pid for pid in range(4_000_000, 3_000_000, -1) if not Path(f"/proc/{pid}").exists())
    abandoned = Path(f"/tmp/swift-inference-kernel-{dead_pid}-test{os.getpid()}")
    abandoned.mkdir(mode=0o700)
    os.chown(abandoned, users[0].pw_uid, users[0].pw_gid)
    specs = private_folder(mode=0o700)
    try:
        names = [kernelspec_as(user, home, installed, specs) for user, home in zip(users, homes)]
        env = os.environ | {"JUPYTER_PATH": str(specs)}
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", DRIVER, name, f'let owner = "{user.pw_name}"',
                 'import Foundation\nowner + " " + String(6 * 7) + " " + NSUserName()',
                 # Inference at work in an installed kernel: its modules import NumericsCore internally,
                 # so the cell compiles only if the install holds every module they load.
                 'let fair = try Categorical(probabilities: [0.5, 0.5])\n'
                 'String(format: "%.4f", try klDivergence(fair, try Categorical(probabilities: [0.9, 0.1])))'],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=specs)
            for name, user in zip(names, users)
        ]
        for user, run in zip(users, runs):
            out, err = run.communicate(timeout=TIMEOUT)
            assert run.returncode == 0, f"kernel as {user.pw_name} failed:\n{out}\n{err}"
            results = json.loads(out.strip().splitlines()[-1])
            assert [r["status"] for r in results] == ["ok", "ok", "ok"], results
            assert results[1]["text"] == [f'"{user.pw_name} 42 {user.pw_name}"'], results
            assert results[2]["text"] == ['"0.5108"'], results  # ½log(½/0.9) + ½log(½/0.1)
    finally:
        shutil.rmtree(specs, ignore_errors=True)
        abandoned_left = abandoned.exists()
        shutil.rmtree(abandoned, ignore_errors=True)
    for user, home in zip(users, homes):
        cache = home / ".cache/swift-inference"
        assert any((cache / "libraries").glob("libCell_*.so")), f"no compiled cells in {cache}"
        # The compile recipe was worked out: its probe needs a scratch folder, which once was Foundation's
        # /tmp/TemporaryItems (mode 700, the first user's), so other users silently lost the recipe.
        assert any(cache.glob("recipe-*.json")), f"no compile recipe in {cache}"
        assert cache.stat().st_uid == user.pw_uid
    # The cache follows $HOME, not the password file's home.
    assert [home.exists() for home in password_homes] == caches_before
    # Nothing of theirs is left in the shared /tmp (no shared temporary folder such as TemporaryItems, no
    # TemporaryDirectory.* of the Swift driver), and the abandoned folder of a killed kernel is cleared.
    assert tmp_entries_of(uids) - tmp_before == set()
    assert not abandoned_left


def doctor(user, home, installed, jupyter_path: Path, env: dict[str, str] | None = None):
    return as_user(user, home, [str(installed / "bin/swift-inference"), "doctor"],
                   env={"JUPYTER_PATH": str(jupyter_path)} | (env or {}))


def test_doctor_says_ok_for_the_good_install(users, homes, installed):
    done = doctor(users[0], homes[0], installed, installed / "share/jupyter")
    assert done.returncode == 0, done.stdout + done.stderr
    for topic in ("kernelspec", "install", "toolchain", "libzmq", "cache", "temp", "memory", "cell"):
        assert any(line.startswith("ok") and topic in line for line in done.stdout.splitlines()), (topic, done.stdout)
    assert "Swift 6." in done.stdout and str(homes[0] / ".cache/swift-inference") in done.stdout
    assert "FAIL" not in done.stdout


def test_doctor_names_a_kernelspec_whose_executable_is_gone(users, homes, installed):
    broken = private_folder()
    try:
        spec_dir = broken / "kernels/swift-inference"
        spec_dir.mkdir(parents=True)
        spec = json.loads((installed / "share/jupyter/kernels/swift-inference/kernel.json").read_text())
        spec["argv"][0] = str(broken / "gone/bin/swift-inference")
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        for path in [broken, *broken.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        done = doctor(users[0], homes[0], installed, broken)
        assert done.returncode == 1, done.stdout
        assert f"FAIL  kernelspec  {spec_dir}/kernel.json starts {broken}/gone/bin/swift-inference" in done.stdout
    finally:
        shutil.rmtree(broken)


def test_doctor_names_a_cache_folder_the_user_cannot_write(users, homes, installed):
    root_owned = private_folder()
    try:
        done = doctor(users[0], homes[0], installed, installed / "share/jupyter",
                      env={"SWIFT_INFERENCE_CACHE": str(root_owned / "cache")})
        assert done.returncode == 1, done.stdout
        assert f"FAIL  cache       {root_owned}/cache (not there yet; made in {root_owned}), from " \
               "SWIFT_INFERENCE_CACHE: this user cannot write there" in done.stdout
        assert "FAIL  cell" in done.stdout  # not tried: the engine could not cache what it compiles
    finally:
        shutil.rmtree(root_owned)


def test_doctor_rejects_a_malformed_memory_limit_in_the_kernelspec(users, homes, installed):
    bad = private_folder()
    try:
        spec_dir = bad / "kernels/swift-inference"
        shutil.copytree(installed / "share/jupyter/kernels/swift-inference", spec_dir)
        spec = json.loads((spec_dir / "kernel.json").read_text())
        spec["env"] = {"SWIFT_INFERENCE_MEMORY_LIMIT": "lots"}
        subprocess.run(["chmod", "-R", "u+w", str(spec_dir)], check=True)
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        subprocess.run(["chmod", "-R", "a+rX", str(bad)], check=True)
        done = doctor(users[0], homes[0], installed, bad)
        assert done.returncode == 1
        assert "FAIL  memory      SWIFT_INFERENCE_MEMORY_LIMIT='lots' is not a size" in done.stdout
    finally:
        shutil.rmtree(bad)


def install(args: list[str], env: dict[str, str], user=None, home=None) -> subprocess.CompletedProcess:
    command = [str(find_swift_inference()), "install", *args]
    if user is not None:
        return as_user(user, home, command, env=env)
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO,
                          env={"PATH": os.environ["PATH"]} | env)


def test_install_destinations_match_ipykernel(users, homes):
    scratch = private_folder(mode=0o700)
    try:
        home = scratch / "home"
        home.mkdir()
        # --user: Jupyter's user data folder (JUPYTER_DATA_DIR honoured), the command in ~/.local/bin.
        done = install(["--user"], {"HOME": str(home)})
        assert done.returncode == 0, done.stdout + done.stderr
        assert (home / ".local/share/jupyter/kernels/swift-inference/kernel.json").is_file()
        assert (home / ".local/bin/swift-inference").resolve() == home / ".local/share/swift-inference/bin/swift-inference"
        done = install(["--user", "--name", "swift-course", "--display-name", "Swift (Course)", "--env",
                        "SWIFT_INFERENCE_MEMORY_LIMIT", "2G"],
                       {"HOME": str(home), "JUPYTER_DATA_DIR": str(scratch / "jdata")})
        assert done.returncode == 0, done.stdout + done.stderr
        spec = json.loads((scratch / "jdata/kernels/swift-course/kernel.json").read_text())
        assert spec["display_name"] == "Swift (Course)" and spec["env"] == {"SWIFT_INFERENCE_MEMORY_LIMIT": "2G"}

        # --sys-prefix: sys.prefix of the Python named on the first line of the `jupyter` script on PATH.
        venv = scratch / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        (venv / "bin/jupyter").write_text(f"#!{venv}/bin/python\nraise SystemExit(0)\n")
        (venv / "bin/jupyter").chmod(0o755)
        done = install(["--sys-prefix"], {"HOME": str(home), "PATH": f"{venv}/bin:{os.environ['PATH']}"})
        assert done.returncode == 0, done.stdout + done.stderr
        assert (venv / "share/jupyter/kernels/swift-inference/kernel.json").is_file()
        assert f"sys.prefix {venv}" in done.stdout and f"{venv}/bin/python" in done.stdout

        # Two destinations at once: a usage error naming the options.
        done = install(["--user", "--prefix", str(scratch / "p")], {"HOME": str(home)})
        assert done.returncode == 64 and "give one of --user, --sys-prefix and --prefix" in done.stderr
        # No flag means system-wide, as ipykernel; without the rights it says what to do instead.
        done = install([], {}, user=users[0], home=homes[0])
        assert done.returncode == 1
        assert "/usr/local/share" in done.stderr and "--user, --sys-prefix or --prefix" in done.stderr, done.stderr
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_two_installs_into_one_prefix_at_once():
    require_root()
    prefix = private_folder()
    try:
        command = [str(find_swift_inference()), "install", "--prefix", str(prefix)]
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
                for _ in range(2)]
        for run in runs:
            out, _ = run.communicate(timeout=TIMEOUT)
            assert run.returncode == 0, out
        spec = json.loads((prefix / "share/jupyter/kernels/swift-inference/kernel.json").read_text())
        assert spec["argv"][0] == str(prefix / "share/swift-inference/bin/swift-inference")
        assert (prefix / "share/swift-inference/modules/symbols/Inference.symbols.json").is_file()
        leftovers = [p.name for p in prefix.rglob(".*") if any(t in p.name for t in (".new-", ".link-", ".old-"))]
        assert leftovers == []
    finally:
        shutil.rmtree(prefix)
