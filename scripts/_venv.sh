# Shared by scripts/run and scripts/test: create .venv on first use and keep it
# in step with pyproject.toml. Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DICTATE_VENV:-$ROOT/.venv}"

_find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3.10 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "dictate: Python 3.10 or newer is needed (set PYTHON=/path/to/python3)" >&2
  return 1
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    local py
    py="$(_find_python)" || exit 1
    echo "dictate: creating $VENV with $py (first run only)" >&2
    if ! "$py" -m venv "$VENV" 2>/dev/null; then
      # Debian/Ubuntu Pythons without the venv module (python3-venv): use virtualenv.
      rm -rf "$VENV"
      "$py" -m pip install --quiet --user virtualenv >&2 || "$py" -m pip install --quiet virtualenv >&2
      "$py" -m virtualenv --quiet "$VENV" >&2
    fi
  fi
  # Reinstall only when the project's requirements changed.
  local stamp="$VENV/.dictate-installed"
  local want
  want="$(cat "$ROOT/pyproject.toml" | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "dictate: installing dictate and its dependencies into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test]" >&2
    echo "$want" > "$stamp"
  fi
}
