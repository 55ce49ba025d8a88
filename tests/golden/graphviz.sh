#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree --dot through Graphviz itself: every fixture must lay out with no
# warning, give one SVG node per drawn process and the expected number of
# edges, and hostile names must reach the SVG text as cabatree escaped them.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${CABATREE:=$TOP_SRCDIR/build/src/cabatree}"
export LC_ALL=C.UTF-8 NO_COLOR= TERM=dumb COLUMNS=
. "$TOP_SRCDIR/tests/golden/lib.sh"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs Graphviz's dot (Debian package graphviz)" command -v dot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Count what an SVG holds: the groups of class node or edge, and among
# them the processes (titled p<pid>) and the edges between processes.
svg_count() {
	awk -v what="$2" '
		/class="node"/ { grp = "node"; next }
		/class="edge"/ { grp = "edge"; next }
		grp != "" && /<title>/ {
			t = $0; sub(/.*<title>/, "", t); sub(/<\/title>.*/, "", t)
			if (what == "nodes" && grp == "node") n++
			if (what == "edges" && grp == "edge") n++
			if (what == "procs" && grp == "node" && t ~ /^p[0-9]+$/) n++
			if (what == "links" && grp == "edge" && t ~ /^p[0-9]+&#45;&gt;p[0-9]+$/) n++
			grp = ""
		}
		END { print n + 0 }' "$1"
}

# render NAME "ARGS" PROCS LINKS: the picture of $PROC must have PROCS
# process nodes and LINKS edges between them; the legend's visible nodes
# and edges, counted in the DOT source, make up the rest of the SVG.
render() {
	_name=$1 _args=$2 _procs=$3 _links=$4
	# shellcheck disable=SC2086
	if ! "$CABATREE" --proc-root "$PROC" $_args > "$tmp/$_name.dot" 2> "$tmp/$_name.cerr" &&
	   [ ! -s "$tmp/$_name.dot" ]; then
		not_ok "$_name: cabatree failed"; sed 's/^/# /' "$tmp/$_name.cerr"; return
	fi
	if ! dot -Tsvg "$tmp/$_name.dot" > "$tmp/$_name.svg" 2> "$tmp/$_name.err"; then
		not_ok "$_name: dot failed"; sed 's/^/# /' "$tmp/$_name.err"; return
	fi
	check "$_name: dot prints no warning" [ ! -s "$tmp/$_name.err" ]
	[ -s "$tmp/$_name.err" ] && sed 's/^/# /' "$tmp/$_name.err"
	legend_nodes=$(grep -Ec '^    legend_[a-z0-9_]+ \[' "$tmp/$_name.dot")
	legend_invis=$(grep -Ec '^    legend_[a-z0-9_]+ \[.*invis' "$tmp/$_name.dot")
	legend_edges=$(grep -Ec '^    legend_[a-z0-9_]+ -> .*\[color' "$tmp/$_name.dot")
	n=$(svg_count "$tmp/$_name.svg" procs)
	check "$_name: $_procs process nodes (got $n)" [ "$n" = "$_procs" ]
	n=$(svg_count "$tmp/$_name.svg" links)
	check "$_name: $_links edges between processes (got $n)" [ "$n" = "$_links" ]
	n=$(svg_count "$tmp/$_name.svg" nodes)
	want=$((_procs + legend_nodes - legend_invis))
	check "$_name: $want nodes in all (got $n)" [ "$n" = "$want" ]
	n=$(svg_count "$tmp/$_name.svg" edges)
	want=$((_links + legend_edges))
	check "$_name: $want edges in all (got $n)" [ "$n" = "$want" ]
	# shellcheck disable=SC2086
	"$CABATREE" --proc-root "$PROC" $_args 2> /dev/null | cmp -s - "$tmp/$_name.dot"
	check "$_name: the same input gives the same bytes" [ $? = 0 ]
}

# svg_text NAME TEXT: one <text> element of the SVG holds exactly TEXT
# (as SVG escapes it: &quot; &amp; &lt; &gt; &#45;).
svg_text() {
	sed -n 's/^<text[^>]*>\(.*\)<\/text>$/\1/p' "$tmp/$1.svg" | grep -Fxq -- "$2"
}

# The kernel self-test: 2 edges where both relations agree (1->2, 4->5),
# 2 real-only (1->4, 2->7) and 2 born-only (2->4, 4->7).
PROC=$tmp/selftest/proc
mkdir -p "$PROC"
mkproc 1 init 0 caba=0 sid=1 pgid=1
mkproc 2 sh 1 caba=1 sid=2 pgid=2
mkproc 4 sh 1 caba=2 sid=4 pgid=4
mkproc 5 sh 4 caba=4 sid=2 pgid=2
mkproc 7 sh 2 caba=4 sid=4 pgid=4
render selftest "--dot -j" 5 6
render selftest-real "--dot --tree=real" 5 4
render selftest-born "--dot --tree=born" 5 4
render selftest-focus5 "--dot -p 5" 4 4
render selftest-focus7 "--dot -p 7 --tree=born" 4 3
check "selftest: the focused process has a thick border" \
	grep -q 'stroke="red" stroke-width="3"' "$tmp/selftest-focus7.svg"
check "selftest: reparented processes are filled" \
	[ "$(grep -c 'fill="#ffe08a"' "$tmp/selftest.svg")" = 3 ]
check "selftest: a reparented process says where it was born" \
	svg_text selftest 'sh(7)* [sid 4] &lt;= sh(4)'
check "selftest: so does the real tree alone" svg_text selftest-real 'sh(4)* &lt;= sh(2)'
check "selftest: the born tree alone has its edges for that" \
	sh -c '! grep -q "&lt;= sh" "$1"' sh "$tmp/selftest-born.svg"

# A stock kernel: real edges only, and a graph label that says why.
PROC=$tmp/stock/proc
mkdir -p "$PROC"
mkproc 1 init 0 caba=none
mkproc 20 sshd 1 caba=none
mkproc 21 bash 20 caba=none
mkproc 22 daemon 1 caba=none
render stock "--dot" 4 3
check "stock: the graph says the born tree is unknown" \
	svg_text stock "The born (CABA) tree is unknown: only real parents are drawn."

# Hostile names: quotes, backslashes (one last, before the closing quote),
# Graphviz's own escapes, HTML entities, control bytes, invalid UTF-8.
PROC=$tmp/hostile/proc
mkdir -p "$PROC"
mkproc 1 init 0 caba=0
mkproc 2 'q"uote' 1 cmdline='x|say "hi"'
mkproc 3 "$(printf 'evil\033[31mred\033]0;title\007')" 1
mkproc 4 "$(printf 'new\nline')" 1
mkproc 5 "$(printf 'bad\377utf')" 1
mkproc 6 'back\slash' 1 cmdline='x|C:\dir\'
mkproc 7 '\N\G\l\n\E' 1
mkproc 8 'a&amp;b' 1 cmdline='x|<b>'
mkproc 9 'tail\' 1 caba=2
mkproc 10 "$(printf 'caf\303\251')" 1
render hostile "--dot -a" 10 10
check "hostile: a quote arrives" svg_text hostile 'q&quot;uote(2)'
check "hostile: quotes in arguments arrive" svg_text hostile 'say &quot;hi&quot;'
check "hostile: escape sequences are shown, not sent" \
	svg_text hostile 'evil\e[31mred\e]0;title\a(3)'
check "hostile: a newline is shown escaped" svg_text hostile 'new\nline(4)'
check "hostile: invalid UTF-8 becomes U+FFFD" \
	svg_text hostile "$(printf 'bad\357\277\275utf(5)')"
check "hostile: a backslash is shown as in text output" svg_text hostile 'back\\slash(6)'
check "hostile: a backslash last in a label" svg_text hostile 'C:\\dir\\'
check "hostile: Graphviz escapes are not expanded" svg_text hostile '\\N\\G\\l\\n\\E(7)'
check "hostile: HTML entities are not decoded" svg_text hostile 'a&amp;amp;b(8)'
check "hostile: markup stays text" svg_text hostile '&lt;b&gt;'
check "hostile: a backslash before the pid, and where it was born" \
	svg_text hostile 'tail\\(9)* &lt;= q&quot;uote(2)'
check "hostile: UTF-8 arrives" svg_text hostile "$(printf 'caf\303\251(10)')"
no_control() { ! tr -d '\n' < "$1" | LC_ALL=C grep -q '[[:cntrl:]]'; }
check "hostile: no control byte in the SVG" no_control "$tmp/hostile.svg"
check "hostile: the SVG is valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$tmp/hostile.svg"

# Every golden --dot output (the hostile corpus among them) must lay out
# with no error or warning, and its SVG must hold no control byte.
for exp in "$TOP_SRCDIR"/tests/golden/cases/*/expected; do
	case "$(cat "${exp%/expected}/args")" in *--dot*) ;; *) continue ;; esac
	[ -s "$exp" ] || continue
	name=$(basename "${exp%/expected}")
	if dot -Tsvg "$exp" > "$tmp/golden.svg" 2> "$tmp/golden.err" &&
	   [ ! -s "$tmp/golden.err" ] && no_control "$tmp/golden.svg"; then
		ok "golden $name: lays out cleanly"
	else
		not_ok "golden $name: lays out cleanly"
		sed 's/^/# /' "$tmp/golden.err"
	fi
done

finish
