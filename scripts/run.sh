#!/usr/bin/env bash
# Installs what is missing, builds Pneuma and runs the trainer on the built-in simulated person.
# Extra arguments go to `pneuma run` (e.g. --rate 5.5 --minutes 15).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DPNEUMA_BUILD_TESTS=OFF >&2 # stdout is the session's
exec build/src/pneuma run "$@"
