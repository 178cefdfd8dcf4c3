#!/bin/sh
# Downloads a Swift toolchain from swift.org, checks its signature, and unpacks it so that
# DEST/usr/bin/swiftc exists. Used by the Dockerfile (DEST /opt/swift, where the kernel looks by default)
# and binder/postBuild (a folder the notebook user owns). Needs curl, gpg and tar.
#
#   scripts/install-swift-toolchain.sh VERSION DEST      e.g. 6.3.1 /opt/swift
#
# The platform is read from /etc/os-release (ubuntu24.04, ubuntu22.04, debian12, ...) and the architecture
# from uname; SWIFT_PLATFORM overrides the platform name as swift.org spells it.
set -eu

version=${1:?usage: install-swift-toolchain.sh VERSION DEST}
dest=${2:?usage: install-swift-toolchain.sh VERSION DEST}

if [ -z "${SWIFT_PLATFORM:-}" ]; then
    . /etc/os-release
    SWIFT_PLATFORM="$ID$VERSION_ID"
fi
case "$(uname -m)" in
    x86_64) arch_suffix="" ;;
    aarch64|arm64) arch_suffix="-aarch64" ;;
    *) echo "install-swift-toolchain.sh: no Swift toolchain for $(uname -m)" >&2; exit 1 ;;
esac
platform_dir=$(echo "$SWIFT_PLATFORM" | tr -d .)$arch_suffix
name="swift-$version-RELEASE-$SWIFT_PLATFORM$arch_suffix"
url="https://download.swift.org/swift-$version-release/$platform_dir/swift-$version-RELEASE/$name.tar.gz"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
echo "downloading $url"
curl -fsSL --retry 3 -o "$work/swift.tar.gz" "$url"
curl -fsSL --retry 3 -o "$work/swift.tar.gz.sig" "$url.sig"
curl -fsSL --retry 3 -o "$work/keys.asc" https://swift.org/keys/all-keys.asc
GNUPGHOME="$work/gnupg"
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$work/keys.asc"
gpg --batch --verify "$work/swift.tar.gz.sig" "$work/swift.tar.gz"
mkdir -p "$dest"
tar -xzf "$work/swift.tar.gz" --directory "$dest" --strip-components=1
chmod -R a+rX "$dest"
"$dest/usr/bin/swiftc" --version
