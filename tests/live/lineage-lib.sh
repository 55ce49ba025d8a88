# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the lineage tests: reading a process's lineage from the
# recorder's state file (version 4, src/recorder/state.c) and from
# cabatree --json, each as one line
#
#   PID:NAME PID:NAME ... > CABA
#
# the released ancestors between the process and its CABA, nearest first,
# then its CABA's pid; "> cut" when the recorder's cap dropped the next
# creator, "> ?" when it does not know it. A name the recorder does not
# know is "-". Names are as the state file encodes them (%XX for a byte
# outside '!'..'~'), so that a line is words.

# state_lineage STATE PID: PID's lineage in the state file STATE ("none"
# when PID is not listed as alive).
state_lineage() {
	awk -v want="$2" '
	$1 == "processes" && NF == 2 && !sect { sect = "p"; next }
	$1 == "released" && NF == 2 && sect == "p" { sect = "r"; next }
	$1 == "end" && NF == 1 { sect = "" }
	sect == "p" && NF == 9 {
		k = $1 " " $2
		alive[k] = 1
		cr[k] = $6 " " $7
		if ($1 == want) me = k
	}
	sect == "r" && NF == 9 {
		k = $1 " " $2
		rel[k] = 1
		cr[k] = $4 " " $5
		nm[k] = $8
	}
	END {
		if (me == "") { print "none"; exit }
		s = ""
		c = cr[me]
		for (i = 0; i < 100000 && (c in rel); i++) {
			split(c, a, " ")
			s = s a[1] ":" nm[c] " "
			c = cr[c]
		}
		split(c, a, " ")
		if (c in alive) s = s "> " a[1]
		else if (c == "0 1") s = s "> cut"
		else s = s "> ?"
		print s
	}' "$1"
}

# state_released_count STATE: how many released ancestors STATE lists.
state_released_count() {
	awk '$1 == "released" && NF == 2 { print $2; f = 1 } END { if (!f) print "none" }' "$1"
}

# state_dropped STATE: the dropped count of STATE's header.
state_dropped() {
	awk '$1 == "dropped" && NF == 2 { print $2; exit }' "$1"
}

# state_has_released STATE PID: does STATE list PID as a released ancestor?
state_has_released() {
	awk -v want="$2" '
	$1 == "released" && NF == 2 { sect = 1; next }
	$1 == "end" { sect = 0 }
	sect && $1 == want { f = 1 }
	END { exit !f }' "$1"
}

# json_lineage JSON PID: PID's lineage in cabatree --json's document
# JSON, by its "made_by" links through "released" (version 2 of the
# document), "none" when PID is not listed; "bad" when its "lineage", the
# same chain's pids, says otherwise.
json_lineage() {
	jq -r --argjson pid "$2" '
	def hex: "0123456789ABCDEF"[. : . + 1];
	def enc: if . == null then "-" else
		(explode | map(if . >= 33 and . <= 126 and . != 37 then [.] | implode
			else "%" + ((. / 16 | floor) | hex) + (. % 16 | hex) end) | join(""))
		| if . == "-" then "%2D" else . end end;
	(.released // []) as $r
	| def chain($i): if $i == null then [] else [$r[$i]] + chain($r[$i].made_by) end;
	[.processes[] | select(.pid == $pid)] as $m
	| if ($m | length) == 0 then "none" else $m[0] as $p
	| chain($p.made_by) as $c
	| if ($c | map(.pid)) != ($p.lineage // []) then "bad" else
		($c | map("\(.pid):\(.name | enc) ") | join(""))
		+ "> " + (if (if ($c | length) > 0 then $c[-1].lineage_cut else $p.lineage_cut end)
			then "cut" else ($p.caba | tostring) end)
	end end' "$1"
}

# json_dropped JSON: its count of released ancestors the cap dropped.
json_dropped() { jq -r '.lineage_dropped' "$1"; }

# json_cut JSON PID: whether PID's lineage is cut short by the cap.
json_cut() { jq -r --argjson pid "$2" '.processes[] | select(.pid == $pid) | .lineage_cut' "$1"; }

# text_shows_released PID NAME: $tmp/text (cabatree -A) draws NAME(PID)
# marked released, with when it ended, and explains the mark.
text_shows_released() {
	{ grep -qF "$2($1)~ [ended " "$tmp/text" ||
		{ [ "${NAMES_MAY_LACK:-}" = yes ] && grep -qF "?($1)~ [ended " "$tmp/text"; }; } &&
		grep -q '^~ released' "$tmp/text"
}

# text_order WORD...: each WORD on a line of $tmp/text below the last's.
text_order() {
	awk 'BEGIN { for (i = 1; i < ARGC; i++) w[i] = ARGV[i]; n = ARGC - 1; ARGC = 1; k = 1 }
		k <= n && index($0, w[k]) { k++ }
		END { exit k <= n }' "$@" < "$tmp/text"
}

# lineage_agree GOT WANT: the lineage GOT is WANT; with NAMES_MAY_LACK=yes
# (the connector: a process gone before its exec event is read leaves
# its name unknown) a name may be "-" where WANT has one, never another.
lineage_agree() {
	[ "$1" = "$2" ] && return 0
	[ "${NAMES_MAY_LACK:-}" = yes ] || return 1
	awk -v got="$1" -v want="$2" 'BEGIN {
		n = split(got, g, " "); m = split(want, w, " ")
		if (n != m)
			exit 1
		for (i = 1; i <= n; i++) {
			if (g[i] == w[i])
				continue
			split(g[i], a, ":"); split(w[i], b, ":")
			if (a[2] != "-" || a[1] != b[1] || g[i] != a[1] ":-")
				exit 1
		}
	}'
}

# state_alive STATE PID: does STATE list PID as a living process?
state_alive() {
	awk -v want="$2" '
	$1 == "processes" && NF == 2 && !sect { sect = 1; next }
	$1 == "released" && NF == 2 { sect = 2 }
	sect == 1 && $1 == want { f = 1 }
	END { exit !f }' "$1" 2>/dev/null
}

# recorded STATE LEAF PID...: STATE lists LEAF alive and none of the PIDs
# (processes that ended before it was looked at): the recorder took in
# every event up to their release, so what it says of LEAF can be read.
recorded() {
	_st=$1 _leaf=$2
	shift 2
	state_alive "$_st" "$_leaf" || return 1
	for _p; do
		! state_alive "$_st" "$_p" || return 1
	done
}

# start_of PID: its start time (/proc/PID/stat field 22), or nothing.
start_of() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# kill_ours FILE: end each process "PID START" of FILE that still runs,
# by pid, and only if its start time is still START: a pid whose holder
# ended may be another's process by now.
kill_ours() {
	while read -r _kp _ks; do
		[ -n "$_ks" ] && [ "$(start_of "$_kp")" = "$_ks" ] && kill "$_kp" 2>/dev/null
	done < "$1" 2>/dev/null
	return 0
}
