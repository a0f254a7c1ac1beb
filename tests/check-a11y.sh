#!/usr/bin/env bash
# The running app's controls all have accessible names, read over AT-SPI as
# a screen reader would (tests/check-a11y.py), under Xvfb in a private session.
# The registry daemon's greeting on stdout is not TAP: filter it.
set -euo pipefail
src=${PM_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
"$src/tests/harness.sh" display /usr/bin/python3 "$src/tests/check-a11y.py" | { grep -v '^SpiRegistry' || true; }
