#!/usr/bin/env bash
# Writes a PNG of each section of a plan report with headless Chromium, offline:
#   scripts/screenshots.sh REPORT.html OUT_DIR [WIDTH]
# Each section is shown alone through the report's own `#only=SECTION` switch; SECTIONS (e.g.
# "ask:380 why:700") picks other sections and window heights. Sections the report lacks are skipped.
set -euo pipefail
report=$(realpath "$1")
out=$2
width=${3:-1280}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium is not installed (make deps installs it)" >&2
  exit 1
fi
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# section:height of the window in pixels
for s in ${SECTIONS:-header:520 timeline:900 coverage:560 nation-load:600 limits:760 reception:600 network:860 stocks:900 bottlenecks:560}; do
  name=${s%%:*}
  height=${s##*:}
  grep -q "<section id=\"$name\">" "$report" || continue
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --window-size="$width,$height" \
    --screenshot="$(realpath "$out")/report-$name.png" "file://$report#only=$name" >/dev/null 2>&1
  echo "wrote $out/report-$name.png"
done
