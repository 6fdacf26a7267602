# Shared by bin/start and bin/test: make .venv and install a requirements file
# into it, skipping pip when the file has not changed since the last install.
ensure_venv() {
  local requirements="$1"
  local python="${PYTHON:-}"
  if [ -z "$python" ]; then
    python="$(command -v python3.11 || command -v python3 || true)"
  fi
  if [ -z "$python" ]; then
    echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $python"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  local digest
  digest="$(_requirements_digest "$requirements")"
  # requirements-dev.txt installs the runtime set too: an up-to-date dev install covers it.
  if [ "$requirements" = requirements.txt ] && _stamp_matches requirements-dev.txt; then
    return
  fi
  if ! _stamp_matches "$requirements"; then
    echo "Installing $requirements into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" > "$stamp"
  fi
}

# The files a requirements file installs: itself and the runtime set it includes.
_requirements_digest() {
  cat requirements.txt "$1" | sha256sum | cut -d' ' -f1
}

_stamp_matches() {
  local stamp=".venv/.installed-$(basename "$1")"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(_requirements_digest "$1")" ]
}
