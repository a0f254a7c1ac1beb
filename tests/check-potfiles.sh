#!/usr/bin/env bash
# po/POTFILES.in lists exactly the files that need it: every file under src/
# and data/ with strings for translators, and nothing that does not exist.
# TAP output; run by meson as the `check-potfiles` test.
# `tests/check-potfiles.sh --update` rewrites po/POTFILES.in from the tree.
set -uo pipefail

src=${PM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$src" || exit 1
potfiles=po/POTFILES.in

# The files with strings for translators: C sources and headers with _(),
# N_(), C_(), NC_() or the ngettext family, templates with translatable="yes",
# and the data files whose fields xgettext extracts by their ITS rules
# (desktop entry, AppStream metadata, settings schema).
translatable_files() {
  local marker='(^|[^[:alnum:]_])((N|C|NC|Q)?_|g_dn?gettext|g_dcgettext|g_dpgettext2?|ngettext)[[:space:]]*\(|translatable="(yes|true|1)"'
  {
    find data -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
      -o -name '*.appdata.xml.in' -o -name '*.gschema.xml' \) | LC_ALL=C sort
    find src data -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' -o -name '*.blp' \) \
      -exec grep -lE "$marker" {} + | LC_ALL=C sort
  } 2>/dev/null | sed 's|^\./||' | awk '!seen[$0]++'
}

if [ "${1:-}" = --update ]; then
  { sed -n '/^#/p' "$potfiles"; translatable_files; } > "$potfiles.new" && mv "$potfiles.new" "$potfiles"
  echo "$potfiles: $(grep -vc '^#' "$potfiles") files"
  exit 0
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }

echo "1..6"

if [ ! -f "$potfiles" ]; then
  not_ok "$potfiles exists"
  for i in 2 3 4 5 6; do echo "ok $i # SKIP no $potfiles"; done
  exit 1
fi
ok "$potfiles exists"

# The entries: one path a line, relative to the top; '#' starts a comment.
mapfile -t entries < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles")

# 2. Every entry exists.
missing=()
for f in "${entries[@]}"; do
  [ -f "$f" ] || missing+=("$f")
done
if [ ${#missing[@]} -eq 0 ]; then
  ok "every file listed in $potfiles exists"
else
  not_ok "every file listed in $potfiles exists"
  printf '%s\n' "${missing[@]}" | sed 's/^/missing: /' | diag
fi

# 3. No entry twice.
dups=$(printf '%s\n' "${entries[@]}" | sort | uniq -d)
if [ -z "$dups" ]; then
  ok "no file is listed twice"
else
  not_ok "no file is listed twice"
  echo "$dups" | diag
fi

# 4. Every file with translatable strings is listed.
mapfile -t needed < <(translatable_files)
unlisted=()
for f in "${needed[@]}"; do
  printf '%s\n' "${entries[@]}" | grep -qxF -- "$f" || unlisted+=("$f")
done
if [ ${#unlisted[@]} -eq 0 ]; then
  ok "every file with translatable strings is listed (${#needed[@]} files)"
else
  not_ok "every file with translatable strings is listed"
  printf '%s\n' "${unlisted[@]}" | sed 's/^/not in POTFILES.in: /' | diag
fi

# 5. xgettext extracts the template from the list as the build's
# `perimeter-pot` target would (same keywords as meson's glib preset), without
# writing into the source tree.
if command -v xgettext >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if xgettext --package-name=perimeter --from-code=UTF-8 --add-comments \
       --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
       --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
       --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
       --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
       --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
       --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
       --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
       --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
       --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
       -D "$src" -f "$potfiles" -o "$tmp/perimeter.pot" > "$tmp/log" 2>&1 \
     && grep -q '^msgid "Perimeter"$' "$tmp/perimeter.pot" \
     && ! grep -q 'warning:' "$tmp/log"; then
    ok "xgettext extracts the template without warnings ($(grep -c '^msgid ' "$tmp/perimeter.pot") messages)"
  else
    # A warning is a string translators cannot translate as written, e.g. a
    # G_GSIZE_FORMAT inside _(): the catalogue sees "%" and the code looks up "%lu".
    not_ok "xgettext extracts the template, including the application name, without warnings"
    diag < "$tmp/log"
  fi
else
  echo "ok 5 # SKIP xgettext not installed"
  n=5
fi

# 6. Every language in LINGUAS has a catalogue that compiles.
bad=()
for lang in $(sed 's/#.*//' po/LINGUAS 2>/dev/null); do
  if [ ! -f "po/$lang.po" ] || ! msgfmt --check -o /dev/null "po/$lang.po" 2>/dev/null; then
    bad+=("$lang")
  fi
done
if [ ${#bad[@]} -eq 0 ]; then
  ok "every language in po/LINGUAS has a valid catalogue"
else
  not_ok "every language in po/LINGUAS has a valid catalogue"
  printf '%s\n' "${bad[@]}" | diag
fi

exit $failed
