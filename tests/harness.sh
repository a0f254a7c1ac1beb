#!/usr/bin/env bash
# Runs one test program in the environment it needs, isolated from the user's:
#   plain    – as is
#   session  – in a private D-Bus session
#   display  – Xvfb outside, a private D-Bus session inside (TESTING.md)
#   keyring  – private session, fresh HOME and an unlocked gnome-keyring
#   display-keyring – both
set -eu
mode=$1; shift

# The AT-SPI registry a display session starts greets on stdout, which is
# the test's TAP stream: drop that one line, keep the test's exit status.
without_registry_greeting() {
  set -o pipefail
  "$@" | sed -u '/^SpiRegistry daemon is running/d'
}

private_home() {
  PM_TEST_HOME=$(mktemp -d "${TMPDIR:-/tmp}/pm-test-home.XXXXXX")
  export HOME=$PM_TEST_HOME
  export XDG_RUNTIME_DIR=$PM_TEST_HOME/run XDG_DATA_HOME=$PM_TEST_HOME/.local/share
  export XDG_CONFIG_HOME=$PM_TEST_HOME/.config XDG_CACHE_HOME=$PM_TEST_HOME/.cache
  # A temporary folder of its own: what the canary tests search is what the
  # app and its libraries can write to, not whatever else lies in /tmp.
  export TMPDIR=$PM_TEST_HOME/tmp
  mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$TMPDIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  trap 'rm -rf "$PM_TEST_HOME"' EXIT
}

# GTK and the display stack keep process-long allocations that LeakSanitizer
# cannot tell from leaks; widget tests are checked for UB and memory errors.
case "$mode" in
  display*) export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" ;;
esac

case "$mode" in
  plain)
    exec "$@" ;;
  session)
    exec dbus-run-session -- "$@" ;;
  display)
    without_registry_greeting xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$@" ;;
  keyring|display-keyring)
    private_home
    inner=(bash -c 'printf "\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' keyring)
    if [ "$mode" = display-keyring ]; then
      without_registry_greeting xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "${inner[@]}" "$@"
    else
      dbus-run-session -- "${inner[@]}" "$@"
    fi ;;
  *)
    echo "harness.sh: unknown mode $mode" >&2; exit 2 ;;
esac
