#!/usr/bin/env bash
# Render a period's HTML report in headless Chromium and save a PNG screenshot.
#
#   scripts/screenshot_report.sh [PERIOD] [OUT.png]
#
# Defaults: PERIOD=2019-H1, OUT=docs/img/report-2019-H1.png (git-ignored). Uses the warehouse
# in $AKIMS_HOME (default data/); builds the demo first when that period has no report yet.
# Needs Chromium (Debian: apt-get update && apt-get install -y chromium). The page loads no
# network resource; the browser runs with networking features off and a throw-away profile.
set -euo pipefail
cd "$(dirname "$0")/.."
PERIOD="${1:-2019-H1}"
OUT="${2:-docs/img/report-${PERIOD}.png}"
export AKIMS_HOME="${AKIMS_HOME:-$PWD/data}"
AKIMS=.venv/bin/akims
[ -x "$AKIMS" ] || AKIMS=akims
BROWSER="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$BROWSER" ]; then
  echo "screenshot_report: no Chromium found (Debian: apt-get install -y chromium)" >&2
  exit 2
fi
REPORT="$AKIMS_HOME/reports/$PERIOD.html"
if ! "$AKIMS" report --period "$PERIOD" --format html >/dev/null 2>&1; then
  echo "screenshot_report: no published $PERIOD in $AKIMS_HOME; building the demo first" >&2
  "$AKIMS" demo >/dev/null
  "$AKIMS" report --period "$PERIOD" --format html >/dev/null
fi
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT
mkdir -p "$(dirname "$OUT")"
"$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --hide-scrollbars --window-size="${WINDOW_SIZE:-1200,4200}" \
  --screenshot="$(realpath -m "$OUT")" "file://$(realpath "$REPORT")" 2>/dev/null
echo "$OUT"
