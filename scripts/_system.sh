# Shared by scripts/run and scripts/test: the system packages (not Python packages)
# that a command needs. Installed where the machine allows it (root or passwordless
# sudo, and apt-get); otherwise the scripts say exactly what is missing and stop
# before doing anything else. Sourced, not run.
# shellcheck shell=bash

# Exit code when a system package is missing and cannot be installed (EX_UNAVAILABLE).
SYSTEM_MISSING_EXIT=69

# What each Debian package is for, as the message says it.
_why() {
  case "$1" in
    libportaudio2) echo "PortAudio, the microphone library" ;;
    espeak-ng) echo "the speech synthesiser that makes the test dictations" ;;
    tmux) echo "a terminal for the tests of the app" ;;
    sox) echo "the audio tool that puts the command test dictations in a room" ;;
    *) echo "needed" ;;
  esac
}

# Whether what the package provides is usable here, by whatever means it got here.
_present() {
  case "$1" in
    libportaudio2)
      # The way sounddevice looks for it.
      "$(_python_for_checks)" -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("portaudio") else 1)' \
        2>/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

_python_for_checks() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
  echo python3
}

# How this machine can install Debian packages: "" (as root), "sudo", or nothing at all.
_installer() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" = 0 ]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo"
  else
    return 1
  fi
}

_say_missing() {
  local p
  echo "dictate: these system packages are missing, and this machine cannot install them for you:" >&2
  for p in "$@"; do
    echo "  $p  ($(_why "$p"))" >&2
  done
  echo "Install them, then run this again:" >&2
  echo "  sudo apt-get install $*      (Debian, Ubuntu)" >&2
  echo "On other systems, install PortAudio, espeak-ng, tmux and sox with the system's package manager." >&2
}

# ensure_system_packages PACKAGE...: install the missing ones, or say which and exit.
ensure_system_packages() {
  local missing=() p prefix
  for p in "$@"; do
    _present "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! prefix="$(_installer)"; then
    _say_missing "${missing[@]}"
    exit "$SYSTEM_MISSING_EXIT"
  fi
  echo "dictate: installing system packages: ${missing[*]}" >&2
  if ! { $prefix env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         $prefix env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
       >/dev/null 2>"${TMPDIR:-/tmp}/dictate-apt.$$"; then
    sed 's/^/  apt-get: /' "${TMPDIR:-/tmp}/dictate-apt.$$" >&2
    rm -f "${TMPDIR:-/tmp}/dictate-apt.$$"
    echo "dictate: apt-get could not install them." >&2
    _say_missing "${missing[@]}"
    exit "$SYSTEM_MISSING_EXIT"
  fi
  rm -f "${TMPDIR:-/tmp}/dictate-apt.$$"
  local still=()
  for p in "${missing[@]}"; do
    _present "$p" || still+=("$p")
  done
  if [ ${#still[@]} -gt 0 ]; then
    echo "dictate: installed, but still not usable: ${still[*]}" >&2
    exit "$SYSTEM_MISSING_EXIT"
  fi
}

# Whether the command records from the microphone: the app and `listen`, unless they
# replay a file (--input), and `devices`.
records_from_microphone() {
  case "${1:-}" in
    devices) return 0 ;;
    listen|""|-*) ;;
    *) return 1 ;;
  esac
  local arg
  for arg in "$@"; do
    case "$arg" in
      --input|-i|--input=*|-h|--help|--version) return 1 ;;
    esac
  done
  return 0
}
