# SPDX-License-Identifier: GPL-2.0-or-later
# What cabatree --json must say of a fixture procfs, worked out from the
# fixture's own files with jq alone, following cabatree(1)'s JSON FORMAT,
# without any of cabatree's code: a field that the writer and the reader
# of snapshots both lost would still come back byte for byte from a
# round trip, but not past this.  Needs jq and getent.
#
# fixture_json_check PROC DOC [-t] [-p PID]...: DOC (a document written
# of PROC with these options, maybe by way of --load) holds every key of
# the format and each value as the fixture has it.  Says what differs.

# fixture_records PROC WITH_THREADS: every process of PROC as the record
# the format gives it, one JSON object a line, in pid order.
fixture_records() {
	_fr_proc=$1 _fr_threads=$2
	for _fr_d in "$_fr_proc"/[0-9]*; do
		_fr_pid=${_fr_d##*/}
		[ -f "$_fr_d/status" ] || continue
		# A thread's own directory (Tgid: another pid) is no process.
		[ "$(sed -n 's/^Tgid:[[:space:]]*//p' "$_fr_d/status")" = "$_fr_pid" ] || continue
		_fr_tl=null
		if [ "$_fr_threads" = yes ]; then
			_fr_tl=$(for _fr_t in "$_fr_d"/task/[0-9]*; do
				[ -f "$_fr_t/comm" ] || continue
				[ "${_fr_t##*/}" = "$_fr_pid" ] && continue
				jq -n -c --argjson tid "${_fr_t##*/}" --rawfile comm "$_fr_t/comm" \
					'{ tid: $tid, name: ($comm | rtrimstr("\n")) }'
			done | jq -s -c 'sort_by(.tid)')
		fi
		getent passwd | jq -n -c --argjson pid "$_fr_pid" --argjson thread_list "$_fr_tl" \
			--rawfile status "$_fr_d/status" --rawfile stat "$_fr_d/stat" \
			--rawfile cmdline "$_fr_d/cmdline" -R --slurp '
			(input) as $passwd
			| [ $status | split("\n")[] | select(index(":") != null)
			    | { key: .[0:index(":")], value: (.[index(":") + 1:] | sub("^[ \t]+"; "")) } ]
			  | from_entries as $s
			| ($stat | capture("^[0-9]+ \\((?<name>.*)\\) (?<rest>.*)$"; "p")) as $st
			| ($st.rest | split(" ")) as $f
			| ($s.Uid | split("\t")[1] | tonumber) as $uid
			| ($s.PPid | tonumber) as $ppid
			| (if ($s | has("NScaba") | not) then { caba: null, st: "unknown" }
			   elif ($s.NScaba | test("^[ \t]*$")) then { caba: null, st: "outside_namespace" }
			   else { caba: ($s.NScaba | split("\t")[0] | tonumber), st: "kernel" } end) as $c
			| { pid: $pid, ppid: $ppid, caba: $c.caba, caba_status: $c.st,
			    name: $st.name,
			    cmdline: (if $cmdline == "" then [] else $cmdline | rtrimstr("\u0000") | split("\u0000") end),
			    uid: $uid,
			    user: ([ $passwd | split("\n")[] | split(":")
			             | select(length > 2 and .[2] == ($uid | tostring)) | .[0] ] | .[0]),
			    pgid: ($f[2] | tonumber), sid: ($f[3] | tonumber), state: $f[0],
			    start_time: ($f[19] | tonumber), threads: ($s.Threads | tonumber),
			    reparented: ($c.st == "kernel" and $c.caba != $ppid) }
			+ (if $thread_list == null then {} else { thread_list: $thread_list } end)'
	done | jq -s -c 'sort_by(.pid)[]'
}

fixture_json_check() {
	_fj_proc=$1 _fj_doc=$2
	shift 2
	_fj_threads=no _fj_focus=
	while [ $# -gt 0 ]; do
		case $1 in
		-t) _fj_threads=yes ;;
		-p) _fj_focus="$_fj_focus${_fj_focus:+,}$2"; shift ;;
		*) echo "# fixture_json_check: unknown option $1"; return 1 ;;
		esac
		shift
	done
	_fj_tmp=$(mktemp -d) || return 1
	fixture_records "$_fj_proc" "$_fj_threads" > "$_fj_tmp/records" || { rm -rf "$_fj_tmp"; return 1; }
	_fj_kernel=false
	grep -qs '^NScaba:' "$_fj_proc"/[0-9]*/status && _fj_kernel=true
	# The document, whole: its processes are the fixture's (with -p, the
	# focused ones, their ancestors and subtrees in both trees), and its
	# roots and top-level keys follow from them.
	jq -s -S --argjson kernel "$_fj_kernel" --argjson focus "[$_fj_focus]" \
		--argjson time "${SOURCE_DATE_EPOCH:-null}" --argjson boot "$([ -f "$_fj_proc/stat" ] && echo true || echo false)" '
		. as $all
		| def by($k; $v): [ $all[] | select(.[$k] == $v) ];
		  def up($k): [ recurse(. as $p | ($all[] | select(.pid == $p) | .[$k]) // empty
		                        | select(. != null)) ];
		  def down($k): [ recurse(. as $p | by($k; $p)[] | .pid) ];
		  (if $focus == [] then [ $all[].pid ]
		   else [ $focus[] | up("ppid")[], up("caba")[], down("ppid")[], down("caba")[] ] | unique end) as $shown
		| [ $all[] | select(.pid as $p | $shown | index([$p])) ] as $procs
		| [ $procs[].pid ] as $pids
		| { version: 1, caba_source: (if $kernel then "kernel" else "none" end),
		    processes: $procs,
		    real_roots: [ $procs[] | select(.ppid as $q | $pids | index([$q]) | not) | .pid ],
		    born_roots: (if $kernel then [ $procs[] | select(.caba == null or (.caba as $q | $pids | index([$q]) | not)) | .pid ] else [] end) }
		+ (if $time == null then {} else { time: ($time | todate) } end)
		+ (if $focus == [] then {} else { focus: $focus } end)
		+ (if $boot then { boot_time: "(from the stat file)", clock_ticks: "(getconf CLK_TCK)" } else {} end)
		' "$_fj_tmp/records" > "$_fj_tmp/want"
	jq -S . "$_fj_doc" > "$_fj_tmp/got" || { echo "# $_fj_doc: not JSON"; rm -rf "$_fj_tmp"; return 1; }
	if [ -f "$_fj_proc/stat" ]; then
		# Values of this machine: their presence is what is checked here.
		jq -S '.boot_time = "(from the stat file)" | .clock_ticks = "(getconf CLK_TCK)"' \
			"$_fj_tmp/got" > "$_fj_tmp/got2" && mv "$_fj_tmp/got2" "$_fj_tmp/got"
	fi
	if diff -u "$_fj_tmp/want" "$_fj_tmp/got" > "$_fj_tmp/diff"; then
		rm -rf "$_fj_tmp"
		return 0
	fi
	echo "# $_fj_doc: not what the fixture says (- the fixture, + the document):"
	sed 's/^/# /' "$_fj_tmp/diff" | head -60
	rm -rf "$_fj_tmp"
	return 1
}
