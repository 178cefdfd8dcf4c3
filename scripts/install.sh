#!/bin/sh
# Builds the kernel and installs it: the one set of install steps that `make install`, the Dockerfile and
# binder/postBuild all run (e2e/python/test_install.py runs it too, as uid 1000).
#
#   scripts/install.sh --prefix PREFIX     files in PREFIX/share/swift-inference, kernelspec in
#                                          PREFIX/share/jupyter/kernels, command in PREFIX/bin
#   scripts/install.sh PREFIX              the same
#   scripts/install.sh --sys-prefix        into sys.prefix of the Python that runs Jupyter
#   scripts/install.sh --user              for this user (~/.local/share, ~/.local/bin)
#   scripts/install.sh                     system-wide (/usr/local), as `python -m ipykernel install`
# Further arguments go to `swift-inference install` (--name, --display-name, --env NAME VALUE).
#
# Environment: SWIFT (the swift command; default: swift on PATH, else /opt/swift/usr/bin/swift),
# SWIFT_BUILD_FLAGS (default the Makefile's flags without tests), SWIFT_SCRATCH_PATH (the build folder;
# default .build in the checkout), SWIFT_INFERENCE_BUILT (the bin folder of a finished build to install
# from, skipping the build: `make install` after `make build`, and the test). Needs the Swift 6.3
# toolchain, libzmq (libzmq3-dev) and pkg-config.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

if [ $# -ge 1 ]; then
    case "$1" in
        -*) ;;
        *) first=$1; shift; set -- --prefix "$first" "$@" ;;
    esac
fi

if [ -z "${SWIFT:-}" ]; then
    if command -v swift >/dev/null 2>&1; then SWIFT=swift
    elif [ -x /opt/swift/usr/bin/swift ]; then SWIFT=/opt/swift/usr/bin/swift
    else
        echo "install.sh: no Swift toolchain: put swift on PATH, install it in /opt/swift, or set SWIFT" >&2
        exit 1
    fi
fi
if ! pkg-config --exists libzmq 2>/dev/null; then
    echo "install.sh: libzmq and pkg-config are needed to build (Debian/Ubuntu: apt-get install libzmq3-dev pkg-config)" >&2
    exit 1
fi

if [ -n "${SWIFT_INFERENCE_BUILT:-}" ]; then
    bin=$SWIFT_INFERENCE_BUILT
else
    flags=${SWIFT_BUILD_FLAGS:--c release -Xswiftc -enable-testing}
    scratch=${SWIFT_SCRATCH_PATH:-$here/.build}
    # shellcheck disable=SC2086
    "$SWIFT" build $flags --scratch-path "$scratch"
    # shellcheck disable=SC2086
    bin=$("$SWIFT" build $flags --scratch-path "$scratch" --show-bin-path)
fi
if [ ! -x "$bin/swift-inference" ]; then
    echo "install.sh: no swift-inference in $bin: the build did not finish" >&2
    exit 1
fi
"$bin/swift-inference" install "$@"
