#!/usr/bin/env bash
# Installs the Debian 12 packages Pneuma needs to build, run and test.
# Idempotent and non-interactive; uses sudo only when not root; waits for the apt lock;
# returns at once when everything is already present.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  # libraries (see ../shared/docs/toolchain.md)
  libboost-dev libboost-program-options-dev libeigen3-dev libkissfft-dev
  libsdl2-dev libsdl2-ttf-dev libfontconfig-dev fonts-dejavu-core libedf-dev libsdbus-c++-dev
  libsqlite3-dev nlohmann-json3-dev catch2
  # tests: headless display, pty/socket helpers, BlueZ mock, EDF reader, HTML rendering
  xvfb xauth socat dbus python3 python3-dbusmock python3-numpy python3-scipy python3-mne python3-pil
  chromium
  # packaging: man pages from the help, PNG icons from the SVG, and the checks the tests run on
  # the package (lintian, desktop-file-validate, appstreamcli); PDF pages to PNG for the report test
  help2man librsvg2-bin lintian desktop-file-utils appstream poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q >&2
"${sudo[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}" >&2
