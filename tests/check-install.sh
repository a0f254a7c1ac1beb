#!/usr/bin/env bash
# `meson install` into a scratch DESTDIR puts everything where desktops and
# Flatpak look for it, installs nothing else, and the installed app runs.
# (The post-install steps — schema compilation, icon cache, desktop database —
# are skipped by meson under DESTDIR.) TAP output; run by meson as `check-install`.
set -uo pipefail

build=${PM_BUILD_DIR:?PM_BUILD_DIR names the build directory}
app_id=io.github.perimeter.Perimeter
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }

expected=(
  bin/perimeter
  bin/perimeter-sandbox
  share/applications/$app_id.desktop
  share/metainfo/$app_id.metainfo.xml
  share/glib-2.0/schemas/$app_id.gschema.xml
  share/icons/hicolor/scalable/apps/$app_id.svg
  share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
  share/dbus-1/services/$app_id.service
)
echo "1..$((${#expected[@]} + 4))"

# 1. The install itself.
if meson install -C "$build" --destdir "$dest" --no-rebuild --quiet > "$dest.log" 2>&1; then
  ok "meson install --destdir succeeds"
else
  not_ok "meson install --destdir succeeds"
  diag < "$dest.log"
fi
rm -f "$dest.log"

prefix=$(meson introspect --buildoptions "$build" | python3 -c '
import json, sys
print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
root=$dest$prefix

# 2…: each file in place.
for f in "${expected[@]}"; do
  if [ -s "$root/$f" ]; then
    ok "installs $f"
  else
    not_ok "installs $f"
  fi
done

# Then: nothing else (no static libraries, headers or test programs).
unexpected=$(cd "$dest" && find . -type f | sed "s|^\./${prefix#/}/||" | grep -vE \
  -e '^bin/perimeter(-sandbox)?$' \
  -e "^share/(applications|metainfo|dbus-1/services|glib-2.0/schemas)/$app_id\." \
  -e '^share/icons/hicolor/' \
  -e '^share/locale/[^/]+/LC_MESSAGES/perimeter\.mo$' \
  -e '^share/(perimeter|help)/' || true)
if [ -z "$unexpected" ]; then
  ok "installs nothing else"
else
  not_ok "installs nothing else"
  echo "$unexpected" | diag
fi

# Then: the installed executables are executables.
if [ -x "$root/bin/perimeter" ] && [ -x "$root/bin/perimeter-sandbox" ]; then
  ok "bin/perimeter and bin/perimeter-sandbox are executable"
else
  not_ok "bin/perimeter and bin/perimeter-sandbox are executable"
fi

# Last: the installed app answers --version (no display needed: GApplication
# handles it as a local option). The test build is an ASan build; it runs with
# the ASAN_OPTIONS/LSAN_OPTIONS of the test environment.
version=$(meson introspect --projectinfo "$build" | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
out=$(cd "$dest" && env -u DISPLAY -u WAYLAND_DISPLAY timeout 30 "$root/bin/perimeter" --version 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qF "$version"; then
  ok "the installed perimeter --version prints $version"
elif printf '%s\n' "$out" | grep -qiE 'unknown option|unrecognized option'; then
  n=$((n + 1)); echo "ok $n # SKIP --version not yet supported"
else
  not_ok "the installed perimeter --version prints $version"
  { echo "exit status $rc"; printf '%s\n' "$out"; } | diag
fi

exit $failed
