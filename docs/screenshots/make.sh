#!/usr/bin/env bash
# Regenerates the README screenshots: runs `pneuma run` on the simulated person under the offscreen
# video driver with the software renderer (the same pixels as the render tests), saves BMPs with
# --screenshot and converts them to PNG (python3-pil).
# Usage: bash docs/screenshots/make.sh [build/src/pneuma [build/tests/pneuma_tests]]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pneuma=${1:-$here/../../build/src/pneuma}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
run() { "$pneuma" run --no-store --speed 10 --no-sound "$@" > /dev/null; }
run --shape circle --screenshot "$tmp/shape-circle.bmp" --screenshot-at 92.6 &
run --shape bar --screenshot "$tmp/shape-bar.bmp" --screenshot-at 96.5
wait
run --shape wave --screenshot "$tmp/shape-wave.bmp" --screenshot-at 93 &
run --ratings --screenshot "$tmp/rating.bmp" --screenshot-at 0.5
wait
run --baseline 1 --minutes 3 --screenshot "$tmp/summary.bmp" &
run --clinician --shape circle --screenshot "$tmp/patient.bmp" --screenshot-at 92.6
wait
# The start screen, clicked through by its test against the mock BlueZ (python3-dbusmock).
tests=${2:-$(dirname "$pneuma")/../tests/pneuma_tests}
if [ -x "$tests" ]; then
  PNEUMA_SCREENSHOT_DIR=$tmp "$tests" "start screen*" > /dev/null
  mv "$tmp/start-1.bmp" "$tmp/start-choosing.bmp"
  mv "$tmp/start-2.bmp" "$tmp/start-connecting.bmp"
fi
cp "$tmp/shape-circle.bmp" "$tmp/trainer.bmp"
mv "$tmp/patient.bmp" "$tmp/clinician-patient.bmp"   # the patient's window
mv "$tmp/patient-clinician.bmp" "$tmp/clinician.bmp" # the clinician's window
for f in "$tmp"/*.bmp; do
  /usr/bin/python3 -c 'import sys; from PIL import Image; Image.open(sys.argv[1]).save(sys.argv[2], optimize=True)' \
    "$f" "$here/$(basename "${f%.bmp}").png"
done
ls -1 "$here"/*.png
