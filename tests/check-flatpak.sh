#!/usr/bin/env bash
# The Flatpak manifest, checked offline: it parses without warnings, names the
# application, its command and the GNOME runtime, asks for no permission it
# must not have, justifies each one it has in flatpak/README.md, and passes
# meson only options that exist, with valid values.
# TAP output; run by meson as the `check-flatpak` test.
set -uo pipefail

src=${PM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$src" || exit 1
app_id=io.github.perimeter.Perimeter
manifest=flatpak/$app_id.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..8"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { sed 's/^/# /'; }
check() { # check DESCRIPTION COMMAND…: one TAP line, the command's output as diagnostics
  local what=$1; shift
  if "$@" > "$tmp/out" 2>&1; then ok "$what"; else not_ok "$what"; diag < "$tmp/out"; fi
}

# 1, 2. flatpak-builder reads the manifest; unknown keys only print a WARNING.
if command -v flatpak-builder >/dev/null; then
  if flatpak-builder --show-manifest "$manifest" > "$tmp/shown" 2> "$tmp/err"; then
    ok "flatpak-builder parses $manifest"
  else
    not_ok "flatpak-builder parses $manifest"
    diag < "$tmp/err"
  fi
  if grep -qi 'warning' "$tmp/err"; then
    not_ok "flatpak-builder prints no warning"
    diag < "$tmp/err"
  else
    ok "flatpak-builder prints no warning"
  fi
else
  skip "flatpak-builder not installed"
  skip "flatpak-builder not installed"
fi

# The remaining checks read the manifest as JSON (flatpak-builder's own
# reading is checked above).
py() { python3 - "$manifest" "$@"; }

check "the manifest names the app id, its command and the GNOME runtime" py "$app_id" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
app_id = sys.argv[2]
problems = []
def expect(key, want):
    if m.get(key) != want:
        problems.append(f"{key} is {m.get(key)!r}, expected {want!r}")
expect("id", app_id)
expect("command", "perimeter")
expect("runtime", "org.gnome.Platform")
expect("sdk", "org.gnome.Sdk")
if not re.fullmatch(r"[0-9]+", str(m.get("runtime-version", ""))):
    problems.append(f"runtime-version {m.get('runtime-version')!r} is not a stable GNOME release")
# The same id everywhere: desktop file, metainfo, D-Bus service, meson.
if f"app_id = '{app_id}'" not in open("meson.build").read():
    problems.append("meson.build does not set app_id to " + app_id)
meta = open(f"data/{app_id}.metainfo.xml.in").read()
if f"<id>{app_id}</id>" not in meta:
    problems.append("the metainfo file has another <id>")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

check "the manifest asks for no forbidden permission" py <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
args = m.get("finish-args", [])
problems = []
for a in args:
    # libsecret talks to the Secret portal inside a Flatpak; files come
    # through the file chooser portal; nothing needs the host's buses.
    if a.startswith("--talk-name=org.freedesktop.secrets"):
        problems.append(a + ": the Secret portal stores the API key")
    elif a.startswith("--filesystem"):
        problems.append(a + ": files come through the file chooser portal")
    elif a in ("--socket=session-bus", "--socket=system-bus"):
        problems.append(a + ": full bus access is never needed")
    elif a == "--device=all":
        problems.append(a + ": --device=dri is enough for GL")
    elif a == "--socket=x11":
        problems.append(a + ": use --socket=fallback-x11 next to wayland")
    elif a.startswith(("--talk-name=org.freedesktop.Flatpak", "--own-name=", "--system-talk-name")):
        problems.append(a + ": not needed")
for need in ("--share=network", "--socket=wayland", "--socket=fallback-x11", "--share=ipc"):
    if need not in args:
        problems.append("missing " + need)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

check "flatpak/README.md justifies every permission" py <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
readme = open("flatpak/README.md").read()
missing = [a for a in m.get("finish-args", []) if f"`{a}`" not in readme]
for a in missing:
    print(f"{a} is not explained in flatpak/README.md")
sys.exit(1 if missing else 0)
PY

check "one module, perimeter, built by meson from this source tree" py <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))
mods = m.get("modules", [])
problems = []
if [x.get("name") for x in mods] != ["perimeter"]:
    problems.append("modules: %r (all dependencies are in the GNOME runtime)" % [x.get("name") for x in mods])
else:
    mod = mods[0]
    if mod.get("buildsystem") != "meson":
        problems.append("buildsystem is %r" % mod.get("buildsystem"))
    for s in mod.get("sources", []):
        if s.get("type") == "dir":
            top = os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), s["path"]))
            if not open(os.path.join(top, "meson.build")).read().startswith("project('perimeter'"):
                problems.append(f"source dir {top} is not the perimeter project")
        else:
            problems.append("unexpected source %r" % s)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

# 7. config-opts: every -Dname=value is a project option with a valid value.
if meson introspect --buildoptions meson.build > "$tmp/options.json" 2> "$tmp/err"; then
  check "every -D config-opt is an option of meson_options.txt with a valid value" \
    py "$tmp/options.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
opts = {o["name"]: o for o in json.load(open(sys.argv[2])) if o["section"] == "user"}
problems = []
for mod in m.get("modules", []):
    for c in mod.get("config-opts", []):
        if not c.startswith("-D"):
            continue
        name, _, value = c[2:].partition("=")
        o = opts.get(name)
        if o is None:
            problems.append(f"{c}: no option {name!r} in meson_options.txt")
        elif o["type"] == "boolean" and value not in ("true", "false"):
            problems.append(f"{c}: {name} is a boolean")
        elif o["type"] == "combo" and value not in o["choices"]:
            problems.append(f"{c}: {name} is one of {o['choices']}")
        elif o["type"] == "integer" and not value.lstrip("-").isdigit():
            problems.append(f"{c}: {name} is an integer")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
else
  not_ok "meson reads the project's options"
  diag < "$tmp/err"
fi

# 8. The workflow that builds and lints it on a forge builds this manifest on
# the same runtime version.
check "the workflow builds this manifest on its runtime" py .github/workflows/flatpak.yml <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
workflow = open(sys.argv[2]).read()
problems = []
images = re.findall(r"image: ghcr\.io/flathub-infra/flatpak-github-actions:gnome-([0-9]+)", workflow)
if images != [str(m.get("runtime-version"))]:
    problems.append(f"the workflow's image is gnome-{images}, the manifest's runtime {m.get('runtime-version')}")
for path in re.findall(r"manifest-path: (\S+)", workflow) + re.findall(r"lint\S* .*manifest (\S+)", workflow):
    if path != sys.argv[1]:
        problems.append(f"the workflow names {path}, not {sys.argv[1]}")
if "flatpak-builder-lint" not in workflow:
    problems.append("the workflow does not lint")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

exit $failed
