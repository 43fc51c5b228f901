# Sourced by scripts/demo and scripts/test: create or reuse .venv with the project installed.
# AKIMS_EXTRAS (set by the caller) names the optional dependencies: "" for the demo, "dev" for tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${AKIMS_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x "$VENV/bin/python" ]; then
  echo "creating virtual environment in $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.akims-installed"
EXTRAS="${AKIMS_EXTRAS:-}"
WANT="$( (cat "$ROOT/pyproject.toml"; echo "extras=$EXTRAS") | sha256sum | cut -d' ' -f1)"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
# a venv installed with the dev extras also serves the demo
if [ -z "$EXTRAS" ] && [ -f "$STAMP.dev" ] && [ "$(cat "$STAMP.dev")" = "$( (cat "$ROOT/pyproject.toml"; echo "extras=dev") | sha256sum | cut -d' ' -f1)" ]; then
  HAVE="$WANT"
fi
if [ "$HAVE" != "$WANT" ]; then
  echo "installing the project and its dependencies into $VENV (first run takes a minute)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT${EXTRAS:+[$EXTRAS]}" >&2
  echo "$WANT" > "$STAMP"
  [ "$EXTRAS" = "dev" ] && echo "$WANT" > "$STAMP.dev"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
