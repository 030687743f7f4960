#!/usr/bin/env bash
# Ensure python-reference/.venv exists with requirements.txt installed, then
# print the absolute path of its python (the only thing written to stdout;
# progress goes to stderr). Safe to call from any cwd and concurrently.
#
#   PY="$(bash python-reference/venv.sh)"
#
# Env: PYTHON  interpreter used to create the venv (default: python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
PY="$VENV/bin/python"
STAMP="$VENV/.requirements.sha256"

# Serialize concurrent callers (e.g. parallel test JVMs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$HERE/.venv.lock"
  flock 9
fi

want="$(sha256sum "$REQ" | cut -d' ' -f1)"

if [[ ! -x "$PY" ]]; then
  echo "venv.sh: creating $VENV" >&2
  "${PYTHON:-python3}" -m venv "$VENV" >&2
fi

# (Re)install when the venv is new or requirements.txt changed since the last
# successful install.
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$want" ]]; then
  echo "venv.sh: installing $REQ" >&2
  PIP_RETRIES=0 "$PY" -m pip install -r "$REQ" >&2
  echo "$want" >"$STAMP"
fi

echo "$PY"
