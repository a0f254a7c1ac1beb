#!/usr/bin/env bash
# The running app's controls all have accessible names, read over AT-SPI as
# a screen reader would (tests/check-a11y.py), under Xvfb in a private session.
# tests/harness.sh keeps the registry daemon's greeting out of the TAP stream.
set -eu
src=${PM_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
exec "$src/tests/harness.sh" display /usr/bin/python3 "$src/tests/check-a11y.py"
