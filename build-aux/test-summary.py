#!/usr/bin/env python3
"""Summarize meson's testlog.json: test cases per suite (TAP subtests, not
programs), then the closing line 'N passed, N failed'. Exit 1 on any failure."""
import json
import re
import sys

suites = {}
failures = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    suite = (t.get("suite") or ["?"])[0].split(":")[-1]
    out = t.get("stdout") or ""
    ok = len(re.findall(r"^ok \d+", out, re.M))
    bad_lines = re.findall(r"^not ok \d+.*$", out, re.M)
    skipped = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M | re.I))
    ok -= skipped
    bad = len(bad_lines)
    result = t.get("result")
    if result not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
        # The program failed outside any test case (crash, sanitizer, timeout).
        bad = 1
        bad_lines = [f"{t['name']}: {result}"]
    s = suites.setdefault(suite, [0, 0, 0])
    s[0] += ok
    s[1] += bad
    s[2] += skipped
    failures += [f"{t['name']}: {b}" for b in bad_lines]

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
