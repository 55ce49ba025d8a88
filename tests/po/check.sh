#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The message catalogues:
#  (a) po/POTFILES.in lists exactly the source files with translatable
#      strings, and each file it lists exists;
#  (b) every po/LL.po of po/LINGUAS has exactly the msgids that xgettext
#      (with po/Makevars' options) finds in the sources now;
#  (c) it compiles with msgfmt -c, with nothing fuzzy or untranslated;
#  (d) with the German catalogue of the build tree (CABATREE_LOCALEDIR),
#      cabatree and cabatreed speak German: --help, --usage, an error.
# Writes only to a temporary directory: runs from a read-only source tree.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
po=$TOP_SRCDIR/po
. "$TOP_SRCDIR/tests/lib.sh"

how="To update: make -C build/po update-po (it merges the messages of the sources
into po/*.po: new ones come untranslated, changed ones fuzzy, removed ones
obsolete '#~' that may be deleted), then translate what is untranslated or
fuzzy in po/LL.po and check it with: msgfmt -c --statistics -o /dev/null po/LL.po"

for tool in xgettext msgfmt msgattrib; do
	need "needs $tool (Debian package gettext)" command -v "$tool"
done

need_how=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# xgettext's options as po/Makefile passes them (keywords, encoding).
xopts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$po/Makevars")

say() { printf '%s\n' "$@" | sed 's/^/# /'; }

# The messages of a PO file, one a line as PO writes them:
# [msgctxt "C" ]"MSGID"[ / plural "MSGID_PLURAL"]; no header, no obsolete ones.
po_keys() {
	awk '
	function seg(s) { return substr(s, 2, length(s) - 2) }
	function flush() {
		if (have && id != "")
			print (hasctx ? "msgctxt \"" ctx "\" " : "") "\"" id "\"" \
			      (pl != "" ? " / plural \"" pl "\"" : "")
		have = 0; hasctx = 0; ctx = ""; id = ""; pl = ""
	}
	/^#~/ { next }
	/^msgctxt "/ { flush(); hasctx = 1; ctx = seg(substr($0, 9)); st = "c"; next }
	/^msgid "/ {
		c = hasctx; x = ctx
		flush(); hasctx = c; ctx = x
		id = seg(substr($0, 7)); have = 1; st = "i"; next
	}
	/^msgid_plural "/ { pl = seg(substr($0, 14)); st = "p"; next }
	/^msgstr/ { st = "s"; next }
	/^"/ {
		if (st == "i") id = id seg($0)
		else if (st == "p") pl = pl seg($0)
		else if (st == "c") ctx = ctx seg($0)
		next
	}
	END { flush() }' "$1" | LC_ALL=C sort -u
}

# (a) Which source files have messages for xgettext, and which are listed.
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$po/POTFILES.in" | LC_ALL=C sort > "$tmp/listed"
: > "$tmp/have"
(cd "$TOP_SRCDIR" && find src -name '*.[ch]' | LC_ALL=C sort) > "$tmp/sources"
while read -r f; do
	# shellcheck disable=SC2086
	(cd "$TOP_SRCDIR" && xgettext $xopts --omit-header -o - -- "$f" 2> /dev/null) |
		grep -q '^msgid ' && echo "$f" >> "$tmp/have"
done < "$tmp/sources"
LC_ALL=C comm -23 "$tmp/have" "$tmp/listed" > "$tmp/unlisted"
LC_ALL=C comm -13 "$tmp/have" "$tmp/listed" > "$tmp/extra"
: > "$tmp/absent"
while read -r f; do
	[ -f "$TOP_SRCDIR/$f" ] || echo "$f" >> "$tmp/absent"
done < "$tmp/listed"
if [ -s "$tmp/unlisted" ] || [ -s "$tmp/extra" ] || [ -s "$tmp/absent" ]; then
	not_ok "(a) po/POTFILES.in lists the sources with translatable strings"
	[ ! -s "$tmp/unlisted" ] || say "these have translatable strings: add them to po/POTFILES.in:" \
		"$(sed 's/^/  /' "$tmp/unlisted")"
	[ ! -s "$tmp/absent" ] || say "these are listed but do not exist: remove them:" \
		"$(sed 's/^/  /' "$tmp/absent")"
	grep -vxF -f "$tmp/absent" "$tmp/extra" > "$tmp/extra2"
	[ ! -s "$tmp/extra2" ] || say "these are listed but have no translatable strings: remove them:" \
		"$(sed 's/^/  /' "$tmp/extra2")"
else
	ok "(a) po/POTFILES.in lists the $(wc -l < "$tmp/listed") sources with translatable strings"
fi

# (b) The msgids of the sources now (listed or not) against each catalogue's.
grep -vxF -f "$tmp/absent" "$tmp/listed" | cat - "$tmp/have" | LC_ALL=C sort -u > "$tmp/files"
# shellcheck disable=SC2086
if ! (cd "$TOP_SRCDIR" && xgettext $xopts --files-from="$tmp/files" -o "$tmp/now.pot" 2> "$tmp/xgettext.err"); then
	not_ok "(b) xgettext reads the sources"
	say "$(cat "$tmp/xgettext.err")"
fi
[ -f "$tmp/now.pot" ] && po_keys "$tmp/now.pot" > "$tmp/now.keys"
langs=$(sed -e 's/#.*//' "$po/LINGUAS")
[ -n "$langs" ] || not_ok "po/LINGUAS names a language"
for l in $langs; do
	f=po/$l.po
	if [ ! -f "$TOP_SRCDIR/$f" ]; then
		not_ok "$f exists (po/LINGUAS names $l)"
		continue
	fi
	if [ -f "$tmp/now.keys" ]; then
		po_keys "$TOP_SRCDIR/$f" > "$tmp/$l.keys"
		LC_ALL=C comm -23 "$tmp/now.keys" "$tmp/$l.keys" > "$tmp/missing"
		LC_ALL=C comm -13 "$tmp/now.keys" "$tmp/$l.keys" > "$tmp/obsolete"
		if [ -s "$tmp/missing" ] || [ -s "$tmp/obsolete" ]; then
			not_ok "(b) $f has the messages of the sources"
			[ ! -s "$tmp/missing" ] || say \
				"$f lacks $(wc -l < "$tmp/missing") message(s) of the sources:" \
				"$(sed 's/^/  /' "$tmp/missing")"
			[ ! -s "$tmp/obsolete" ] || say \
				"$f has $(wc -l < "$tmp/obsolete") message(s) the sources no longer have:" \
				"$(sed 's/^/  /' "$tmp/obsolete")"
			need_how=1
		else
			ok "(b) $f has the $(wc -l < "$tmp/now.keys") messages of the sources"
		fi
	fi

	# (c) Compiles, checked, complete.
	if ! msgfmt -c --statistics -o /dev/null "$TOP_SRCDIR/$f" 2> "$tmp/msgfmt.err"; then
		not_ok "(c) msgfmt -c $f"
		say "$(cat "$tmp/msgfmt.err")"
		need_how=1
		continue
	fi
	stats=$(grep 'translated message' "$tmp/msgfmt.err")
	msgattrib --only-fuzzy --no-obsolete "$TOP_SRCDIR/$f" > "$tmp/fuzzy.po" 2> /dev/null
	msgattrib --untranslated --no-obsolete "$TOP_SRCDIR/$f" > "$tmp/untr.po" 2> /dev/null
	if [ -n "$(po_keys "$tmp/fuzzy.po")" ] || [ -n "$(po_keys "$tmp/untr.po")" ]; then
		not_ok "(c) $f: all translated, none fuzzy ($stats)"
		[ -z "$(po_keys "$tmp/fuzzy.po")" ] || say "fuzzy:" "$(po_keys "$tmp/fuzzy.po" | sed 's/^/  /')"
		[ -z "$(po_keys "$tmp/untr.po")" ] || say "untranslated:" "$(po_keys "$tmp/untr.po" | sed 's/^/  /')"
		need_how=1
	else
		ok "(c) $f: $stats"
	fi
done
[ -z "$need_how" ] || say "$how"

# (d) German from the build tree's catalogue.
locdir=$TOP_BUILDDIR/locale
if ! grep -q '^#define ENABLE_NLS 1' "$TOP_BUILDDIR/config.h" 2> /dev/null; then
	skip_part "(d) German output: built without NLS (configure --disable-nls)"
	finish
	exit
fi
if [ ! -f "$locdir/de/LC_MESSAGES/cabatree.mo" ]; then
	not_ok "(d) the build tree's catalogue $locdir/de/LC_MESSAGES/cabatree.mo exists (make locale/stamp)"
	finish
	exit
fi
export CABATREE_LOCALEDIR="$locdir" LANGUAGE=de LC_ALL=C.UTF-8
# A message of the catalogue; german MSGID... checks they are not the English.
de() { TEXTDOMAINDIR=$locdir gettext -d cabatree -- "$1"; }
german() {
	for _m in "$@"; do
		_t=$(de "$_m")
		if [ -z "$_t" ] || [ "$_t" = "$_m" ]; then
			not_ok "(d) po/de.po translates: $_m"
			return 1
		fi
	done
	ok "(d) po/de.po translates the $# messages looked for"
}
# argp wraps lines: compare with all white space as one blank.
flat() { tr -s ' \n' '  '; }
has() {
	# has NAME FILE TEXT: FILE, flattened, contains TEXT.
	if flat < "$2" | grep -qF -- "$(printf '%s' "$3" | flat)"; then
		ok "(d) $1"
	else
		not_ok "(d) $1"
		say "expected: $3" "in:" "$(cat "$2")"
	fi
}
vt=$(printf '\v')
# The program's text, from the sources' own msgid (PO escapes: \v, \n).
docid=$(sed -n 's/^"\(Show the real process tree (PPid).*\)"$/\1/p' "$tmp/now.keys" 2> /dev/null)
docid=$(printf '%b' "$docid")
tree_err="--tree takes real, born or both, not '%s'"
state_doc='keep the state in FILE (default %s)'
german 'What to show:' WHICH 'real, born or both (default both)' 'Give this help list' \
	"$docid" 'Usage:' COLS "$tree_err" FILE "$state_doc"

"$CABATREE" --help > "$tmp/help" 2>&1
check "(d) cabatree --help succeeds in German" test $? = 0
has "cabatree --help: a group header" "$tmp/help" "$(de 'What to show:')"
has "cabatree --help: an option" "$tmp/help" \
	"--tree=$(de WHICH) $(de 'real, born or both (default both)')"
has "cabatree --help: argp's --help line" "$tmp/help" \
	"--help $(de 'Give this help list')"
doc=$(de "$docid")
has "cabatree --help: the program's text (first part)" "$tmp/help" "${doc%%"$vt"*}"
has "cabatree --help: the program's text (part after the vertical tab)" "$tmp/help" "${doc#*"$vt"}"

"$CABATREE" --usage > "$tmp/usage" 2>&1
has "cabatree --usage" "$tmp/usage" "$(de 'Usage:') cabatree"
has "cabatree --usage: an argument name" "$tmp/usage" "[--width=$(de COLS)]"

"$CABATREE" --tree=bogus > "$tmp/err" 2>&1
check "(d) cabatree --tree=bogus fails with status 2" test $? = 2
# shellcheck disable=SC2059
has "cabatree --tree=bogus: the error" "$tmp/err" "cabatree: $(printf -- "$(de "$tree_err")" bogus)"

if [ -x "$CABATREED" ]; then
	LANGUAGE='' "$CABATREED" --help > "$tmp/dhelp.en" 2>&1
	path=$(flat < "$tmp/dhelp.en" | sed -n 's/.*keep the state in FILE (default \([^)]*\)).*/\1/p')
	"$CABATREED" --help > "$tmp/dhelp" 2>&1
	# shellcheck disable=SC2059
	has "cabatreed --help: the --state line" "$tmp/dhelp" \
		"--state=$(de FILE) $(printf -- "$(de "$state_doc")" "${path:-?}")"
fi
finish
