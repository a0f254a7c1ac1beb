#!/usr/bin/env bash
# The benchmark (build-aux/bench.py) in reduced form: a small organization,
# one run, a few refreshes, with this build's binaries. Checks that every
# metric is measured and printed, `name: value unit …`, and that the summary
# line comes last. It asserts no timing: CI machines are too noisy for that.
set -u
src=${PM_SOURCE_DIR:?} build=${PM_BUILD_DIR:?}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

metrics=(
  "load"
  "load until the list holds every policy"
  "main-loop longest gap during the loads (main-thread CPU)"
  "main-thread CPU per frame during the loads, p99 of [0-9]+"
  "main-thread CPU per frame during the loads, longest"
  "main-loop longest gap during 3 refreshes (main-thread CPU)"
  "main-thread CPU per frame during 3 refreshes, p99 of [0-9]+"
  "main-thread CPU per frame during 3 refreshes, longest"
  "main-loop longest gap (wall clock)"
  "frames over 16 ms (wall clock)"
  "main-loop longest gap while refreshing (wall clock)"
  "search per keystroke (median)"
  "search per keystroke (worst)"
  "serverless paged load ([0-9]+ pages)"
  "serverless main-loop longest gap during the loads (main-thread CPU)"
  "serverless main-thread CPU per frame during the loads, p99 of [0-9]+"
  "serverless main-thread CPU per frame during the loads, longest"
  "serverless main-loop longest gap (wall clock)"
  "start-up to populated first frame"
  "peak memory above a bare window"
  "memory growth over 3 refreshes"
  "rows re-created by a one-policy change"
  "wan hosted refresh"
  "wan hosted requests per refresh"
  "wan hosted TCP connections per refresh"
  "wan hosted TLS handshakes per refresh"
  "wan serverless refresh"
  "wan serverless requests per refresh"
  "wan serverless TCP connections per refresh"
  "wan serverless TLS handshakes per refresh"
)
echo "1..$((${#metrics[@]} + 3))"

rc=0
"$src/tests/harness.sh" display python3 "$src/build-aux/bench.py" --build "$build" \
  --scale 16,8,60 --page-size 5 --runs 1 --refreshes 3 >"$out" 2>"$out.err" || rc=$?
if [ $rc -eq 0 ]; then
  echo "ok 1 - bench.py exits with success"
else
  echo "not ok 1 - bench.py exits with status $rc"
  sed 's/^/# /' "$out.err" | tail -20
fi
rm -f "$out.err"
sed 's/^/# /' "$out"

n=2
number='-?[0-9]+\.[0-9]+'
for m in "${metrics[@]}"; do
  # The regex is the metric's name, with its parentheses taken literally.
  name=$(printf '%s' "$m" | sed 's/(\([^)]*\))/\\(\1\\)/g')
  if grep -Eq "^${name}: ${number} [a-zA-Z]+( \(floor ${number} [a-zA-Z]+, ratio ${number}\))?( +\[(target met|TARGET MISSED)\])?\$" "$out"; then
    echo "ok $n - prints $m"
  else
    echo "not ok $n - prints $m"
  fi
  n=$((n + 1))
done
if grep -Eq '^renderer: Gsk[A-Za-z]+Renderer \(GSK_RENDERER=[a-z]*\)$' "$out"; then
  echo "ok $n - names the renderer"
else
  echo "not ok $n - names the renderer"
fi
n=$((n + 1))
if tail -n 1 "$out" | grep -Eq '^bench: [0-9]+ of [0-9]+ targets met$'; then
  echo "ok $n - ends with the summary line"
else
  echo "not ok $n - ends with the summary line"
fi
