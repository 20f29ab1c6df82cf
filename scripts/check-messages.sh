#!/usr/bin/env bash
# Check that the translation catalogues are complete, then compile them (called by `make test`).
#
# 1. Regenerates locale/{vi,en}/LC_MESSAGES/django.po from the source tree with makemessages.
#    makemessages with --no-location is stable: when nothing changed in the source, the
#    catalogues stay byte-identical (msgmerge ignores the POT-Creation-Date).
# 2. Fails (exit 1) listing every untranslated or fuzzy entry. On failure the catalogues are put
#    back exactly as they were; run with --update to keep the regenerated catalogues instead, so
#    the new entries can be translated in place.
# 3. Compiles every catalogue to .mo (compiled files are git-ignored).
#
# Usage: scripts/check-messages.sh [--update]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

keep_on_failure=0
case "${1:-}" in
    --update) keep_on_failure=1 ;;
    "") ;;
    *)
        echo "usage: $0 [--update]" >&2
        exit 2
        ;;
esac

PY=${PY:-.venv/bin/python}
LANGS=(vi en)
MAKEMESSAGES_FLAGS=(--ignore=.venv --ignore=.tools --ignore=var --ignore=tests --no-location --no-wrap -v0)
# manage.py needs either DEBUG or a SECRET_KEY; these commands touch no database.
export DEBUG=${DEBUG:-1}

for tool in msgattrib msgmerge msgfmt xgettext; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-messages: $tool not found; install the gettext package (scripts/system-deps.sh)." >&2
        exit 1
    fi
done

domains=(django)
# JavaScript strings get their own catalogue once there are any.
if compgen -G "locale/*/LC_MESSAGES/djangojs.po" >/dev/null \
    || grep -rqlE --include='*.js' --exclude-dir=.venv --exclude-dir=.tools --exclude-dir=var \
        --exclude-dir=tests --exclude-dir=test-artifacts --exclude-dir=node_modules '\b(n|p|np)?gettext\(' .; then
    domains+=(djangojs)
fi

mkdir -p locale
backup=$(mktemp -d)
restore_on_exit=0
finish() {
    local status=$?
    # Any failure (also makemessages crashing half-way) puts the catalogues back, unless --update.
    if [[ $status -ne 0 && $restore_on_exit -eq 1 && $keep_on_failure -eq 0 ]]; then
        restore
        echo "check-messages: catalogues left unchanged. Run 'scripts/check-messages.sh --update' to write the new entries into locale/, translate them (remove any '#, fuzzy' flag), and run again." >&2
    fi
    rm -rf "$backup"
}
trap finish EXIT
cp -a locale "$backup/locale"

restore() {
    local po rel
    while IFS= read -r -d '' po; do
        rel=${po#"$backup/"}
        cp -p "$po" "$rel"
    done < <(find "$backup/locale" -name '*.po' -print0)
    # Catalogues makemessages created from nothing did not exist before: remove them.
    while IFS= read -r -d '' po; do
        [[ -e "$backup/$po" ]] || rm -f "$po"
    done < <(find locale -name '*.po' -print0)
}

restore_on_exit=1

lang_flags=()
for lang in "${LANGS[@]}"; do
    lang_flags+=(-l "$lang")
done
for domain in "${domains[@]}"; do
    "$PY" manage.py makemessages -d "$domain" "${lang_flags[@]}" "${MAKEMESSAGES_FLAGS[@]}"
done

# The entries of a msgattrib selection without its header entry (paragraph mode: one record per
# entry, the first record is the header, which msgattrib always copies).
drop_header() {
    awk 'BEGIN { RS = "" } NR > 1 { print; print "" }'
}

problems=0
for domain in "${domains[@]}"; do
    for lang in "${LANGS[@]}"; do
        po="locale/$lang/LC_MESSAGES/$domain.po"
        if [[ ! -f "$po" ]]; then
            echo "check-messages: $po is missing." >&2
            problems=1
            continue
        fi
        for kind in untranslated fuzzy; do
            if [[ $kind == untranslated ]]; then
                selection=$(msgattrib --untranslated --no-obsolete --no-wrap "$po")
            else
                selection=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$po")
            fi
            entries=$(drop_header <<<"$selection")
            if [[ -n $entries ]]; then
                count=$(grep -c '^msgid ' <<<"$entries" || true)
                echo "check-messages: $po has $count $kind entries:" >&2
                echo "$entries" >&2
                problems=1
            fi
        done
        # Placeholders such as %(name)s must match their msgid (the same check compilemessages makes).
        if ! msgfmt --check-format -o /dev/null "$po"; then
            echo "check-messages: $po has translations whose placeholders do not match the msgid (see above)." >&2
            problems=1
        fi
        # The header must not be fuzzy either: gettext would then ignore its charset and plural forms.
        if awk 'BEGIN { RS = "" } NR == 1' "$po" | grep -q '^#,.*fuzzy'; then
            echo "check-messages: the header entry of $po is marked fuzzy." >&2
            problems=1
        fi
    done
done

if [[ $problems -ne 0 ]]; then
    if [[ $keep_on_failure -eq 1 ]]; then
        echo "check-messages: the regenerated catalogues were kept; translate the entries above, remove '#, fuzzy', and run again." >&2
    fi
    exit 1
fi
restore_on_exit=0

"$PY" manage.py compilemessages --ignore=.venv --ignore=.tools -v0
echo "check-messages: catalogues complete for ${LANGS[*]} (${domains[*]}); compiled."
