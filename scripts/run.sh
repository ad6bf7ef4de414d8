#!/usr/bin/env bash
# Installs what is missing, builds Pneuma and runs the trainer on the built-in simulated person.
# Extra arguments go to `pneuma run` (e.g. --rate 5.5 --minutes 15).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DPNEUMA_BUILD_TESTS=OFF >&2 # stdout is the session's
# The simulated person unless a source is given: a source skips the start screen, so the window
# opens straight on a session (and with no display the session runs headless and says so).
source_given=0
for a in "$@"; do case "$a" in --source|--source=*) source_given=1 ;; esac; done
[ "$source_given" -eq 1 ] && exec build/src/pneuma run "$@"
exec build/src/pneuma run --source sim "$@"
