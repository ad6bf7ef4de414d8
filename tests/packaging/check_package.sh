#!/bin/sh
# The package's checks, as ctest runs them. Exit 77 (ctest: skipped) with one line naming the
# missing Debian package when a tool is absent.
#   check_package.sh desktop  SOURCE_DIR            desktop-file-validate on the menu entry
#   check_package.sh appdata  METAINFO              appstreamcli validate (offline)
#   check_package.sh deb      BUILD_DIR             cpack -G DEB, then lintian: no error, no warning
set -eu
need() { command -v "$1" >/dev/null 2>&1 || { echo "SKIPPED: $1 not installed (Debian package $2)"; exit 77; }; }
case $1 in
desktop)
  need desktop-file-validate desktop-file-utils
  out=$(desktop-file-validate "$2/packaging/org.pneuma.Pneuma.desktop" 2>&1) || { echo "$out"; exit 1; }
  [ -z "$out" ] || { echo "$out"; exit 1; } # hints count too: the menu must show it once
  echo "desktop entry: valid" ;;
appdata)
  need appstreamcli appstream
  appstreamcli validate --no-net --pedantic "$2" ;;
deb)
  need cpack cmake; need lintian lintian; need dpkg-shlibdeps dpkg-dev
  out=$(mktemp -d /tmp/pneuma-deb-XXXXXX)
  trap 'rm -rf "$out"' EXIT
  cpack -G DEB -B "$out" --config "$2/CPackConfig.cmake" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
  deb=$(ls "$out"/pneuma_*.deb)
  files=$(dpkg-deb -c "$deb")
  for f in usr/bin/pneuma usr/share/applications/org.pneuma.Pneuma.desktop \
           usr/share/metainfo/org.pneuma.Pneuma.metainfo.xml \
           usr/share/icons/hicolor/scalable/apps/org.pneuma.Pneuma.svg \
           usr/share/icons/hicolor/48x48/apps/org.pneuma.Pneuma.png \
           usr/share/man/man1/pneuma.1.gz usr/share/man/man1/pneuma-run.1.gz \
           usr/share/bash-completion/completions/pneuma usr/share/doc/pneuma/copyright; do
    echo "$files" | grep -q " \./$f\$" || { echo "package lacks /$f"; exit 1; }
  done
  dpkg-deb -f "$deb" Depends | grep -q libsdl2 || { echo "Depends has no shlibdeps libraries"; exit 1; }
  # --fail-on warning: the package is kept free of warnings, not only errors.
  lintian --fail-on error,warning "$deb" ;;
*) echo "usage: check_package.sh desktop|appdata|deb DIR"; exit 2 ;;
esac
