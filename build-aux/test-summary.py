#!/usr/bin/env python3
"""Summarize meson's testlog.json: test cases per suite (TAP subtests, not
programs), then the closing line 'N passed, N failed'. Exit 1 on any failure."""
import json
import re
import sys

suites = {}
failures = []


def count_tap(suite, name, out, result_ok):
    ok = len(re.findall(r"^ok \d+", out, re.M))
    # TAP: a "not ok" marked "# TODO" is a known gap, not a failure.
    bad_lines = [l for l in re.findall(r"^not ok \d+.*$", out, re.M)
                 if not re.search(r"#\s*TODO", l, re.I)]
    skipped = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M | re.I))
    ok -= skipped
    bad = len(bad_lines)
    if not result_ok and bad == 0:
        # The program failed outside any test case (crash, sanitizer, timeout).
        bad = 1
        bad_lines = ["failed outside any test case"]
    s = suites.setdefault(suite, [0, 0, 0])
    s[0] += ok
    s[1] += bad
    s[2] += skipped
    failures.extend(f"{name}: {b}" for b in bad_lines)


# Extra TAP outputs: --tap SUITE FILE (e.g. the fuzzers', run outside meson).
args = sys.argv[1:]
while len(args) >= 3 and args[-3] == "--tap":
    suite, path = args[-2], args[-1]
    args = args[:-3]
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        text = ""
    count_tap(suite, suite, text, bool(re.search(r"^1\.\.\d+", text, re.M)))

for line in open(args[0], encoding="utf-8", errors="replace"):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    # meson 1.0 names a test "project:suite / name" and has no "suite" key.
    suite = t["name"].split(" / ")[0].split(":")[-1]
    out = t.get("stdout") or ""
    count_tap(suite, t["name"], out, t.get("result") in ("OK", "SKIP", "EXPECTEDFAIL"))

for name, (ok, bad, skipped) in sorted(suites.items()):
    extra = f", {skipped} skipped" if skipped else ""
    print(f"suite {name}: {ok} passed, {bad} failed{extra}")
for f in failures:
    print(f"FAILED {f}")
passed = sum(s[0] for s in suites.values())
failed = sum(s[1] for s in suites.values())
skipped = sum(s[2] for s in suites.values())
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or not suites else 0)
