#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The recorder's lineage against the kernel's own account of it: while
# real daemonizing programs run (tmux, start-stop-daemon, setsid, nohup,
# ssh-agent, a shell's double fork), tracefs records the tracepoints
# task_newtask, sched_process_fork, sched_process_exec, sched_process_exit
# and sched_process_free, which owe nothing to cabatreed's eBPF programs
# or to the proc connector. From the trace, each surviving process's chain
# of creators through the released ones (tests/live/trace-lineage.awk);
# from the recorder, the same chain in its state file and in cabatree
# --json. Every one must match, with each backend; a table shows them.
# Needs root.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
CABATREED=$TOP_BUILDDIR/src/cabatreed
. "$TOP_SRCDIR/tests/live/lib.sh"
. "$TOP_SRCDIR/tests/live/recorder-lib.sh"
. "$TOP_SRCDIR/tests/live/lineage-lib.sh"
export LC_ALL=C

[ "$(id -u)" = 0 ] || need "cabatreed and tracefs need root"
command -v jq > /dev/null || need "needs jq"
grep -qw tracefs /proc/filesystems || need "the kernel has no tracefs (CONFIG_TRACING)"
for p in tmux start-stop-daemon setsid nohup ssh-agent; do
	command -v "$p" > /dev/null ||
		need "needs $p (Debian packages tmux, dpkg, util-linux, coreutils, openssh-client)"
done
backends="ebpf connector"
grep -q '^#define HAVE_BPF 1' "$TOP_BUILDDIR/config.h" || backends=connector

tmp=$(root_tmpdir) || need "no directory that root alone may write to keep a state in (cabatreed refuses /tmp)"
: > "$tmp/daemon.log"
dpid= wpid= tfs= inst=
cleanup() {
	if [ "$fail" != 0 ]; then
		echo "# cabatreed said:"
		sed 's/^/#   /' "$tmp/daemon.log"
	fi
	kill_workload
	trace_off
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export CABATREE_STATE=$tmp/state

# The trace: tracefs mounted here alone, two instances of its own (the
# machine's other tracing is left as it is). The first follows this
# shell and whatever it starts (set_event_pid with event-fork); the
# second, every release, as sched_process_free comes from the RCU callback
# of whichever task runs it.
trace_on() {
	tfs=$tmp/tracefs
	mkdir "$tfs" && mount -t tracefs nodev "$tfs" || { tfs=; return 1; }
	inst=cabatree-lineage-$$
	mkdir "$tfs/instances/$inst" "$tfs/instances/$inst-free" || return 1
	for i in "$inst" "$inst-free"; do
		echo boot > "$tfs/instances/$i/trace_clock" &&
			echo 8192 > "$tfs/instances/$i/buffer_size_kb" || return 1
	done
	i=$tfs/instances/$inst
	echo 1 > "$i/options/event-fork" && echo $$ > "$i/set_event_pid" || return 1
	for e in task/task_newtask sched/sched_process_fork sched/sched_process_exec \
		sched/sched_process_exit; do
		echo 1 > "$i/events/$e/enable" || return 1
	done
	echo 1 > "$tfs/instances/$inst-free/events/sched/sched_process_free/enable"
}
# trace_read FILE: the events of both instances so far, in time order.
# Fails if the kernel lost any (a full buffer): the facts would be partial.
trace_read() {
	lost=$(cat "$tfs/instances/$inst"/per_cpu/cpu*/stats "$tfs/instances/$inst-free"/per_cpu/cpu*/stats |
		awk '$1 == "overrun:" || $1 == "dropped" { n += $NF } END { print n + 0 }')
	# Sorted on the timestamp, the field before the event's name.
	cat "$tfs/instances/$inst/trace" "$tfs/instances/$inst-free/trace" | grep -v '^#' |
		awk '{ if (match($0, / [0-9]+\.[0-9]+: /)) print substr($0, RSTART + 1, RLENGTH - 3) "\t" $0 }' |
		sort -s -t '	' -k 1,1n | cut -f 2- > "$1"
	[ "$lost" = 0 ]
}
trace_stop() {
	for i in "$inst" "$inst-free"; do
		echo 0 > "$tfs/instances/$i/tracing_on"
	done
}
trace_off() {
	[ -n "$tfs" ] || return 0
	if [ -n "$inst" ]; then
		for i in "$inst" "$inst-free"; do
			[ -d "$tfs/instances/$i" ] || continue
			echo 0 > "$tfs/instances/$i/tracing_on"
			rmdir "$tfs/instances/$i"
		done
	fi
	umount "$tfs" && rmdir "$tfs"
	tfs= inst=
}

# The workload (tests/live/lineage-workload.sh), alive to the end: $wpid.
workload() {
	rm -f "$tmp/hold" "$tmp/wout" "$tmp/pids" "$tmp/ssd.pid"
	mkfifo "$tmp/hold"
	: > "$tmp/pids"
	sh "$TOP_SRCDIR/tests/live/lineage-workload.sh" "$tmp" "cabatree-lineage-$$" \
		> "$tmp/wout" 2>&1 &
	wpid=$!
	exec 4> "$tmp/hold"
	until_ok grep -qx done "$tmp/wout"
	# Each daemon by the pid it wrote, while it is still that process.
	for p in $(cat "$tmp/pids"); do
		echo "$p $(start_of "$p")"
	done > "$tmp/ours"
}
kill_workload() {
	[ -n "$wpid" ] || return 0
	tmux -L "cabatree-lineage-$$" kill-server 2>/dev/null
	kill_ours "$tmp/ours"
	exec 4>&-
	wait "$wpid" 2>/dev/null
	wpid=
}

# The name of a living process, encoded as the state file does.
comm_of() {
	awk 'BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
		{ for (i = 1; i <= length($0); i++) { c = substr($0, i, 1)
		  printf "%s", (c ~ /[!-~]/ && c != "%") ? c : sprintf("%%%02X", ord[c]) } }
		END { printf "\n" }' "/proc/$1/comm" 2>/dev/null
}

# The trace's lineages of the workload's processes, in $tmp/tl; those
# that ended and are not yet released in $pending.
trace_lineages() {
	awk -v root="$wpid" -f "$TOP_SRCDIR/tests/live/trace-lineage.awk" "$tmp/trace" > "$tmp/tl"
	pending=$(sed -n 's/^pending //p' "$tmp/tl")
	sed -i '/^pending /d' "$tmp/tl"
}
settled() { trace_read "$tmp/trace" && trace_lineages && [ -z "$pending" ]; }

# The recorder's lineages of the processes in $tmp/tl, in $tmp/rl.
recorder_lineages() {
	while read -r p _; do
		echo "$p $(state_lineage "$tmp/state" "$p")"
	done < "$tmp/tl" > "$tmp/rl"
}
# all_agree FILE: every line of FILE agrees with $tmp/tl's (lineage_agree).
all_agree() {
	[ "$(wc -l < "$1")" = "$(wc -l < "$tmp/tl")" ] || return 1
	while read -r p tline; do
		lineage_agree "$(rest "$p" "$1")" "$tline" || return 1
	done < "$tmp/tl"
}
rest() { awk -v p="$1" '$1 == p { $1 = ""; sub(/^ /, ""); print }' "$2"; }
# caught_up: the state file lists every process of $tmp/tl alive and
# none of the released ones: the recorder took in every event up to the
# last release, so what it says can be read.
caught_up() {
	for p in $(cut -d ' ' -f 1 "$tmp/tl"); do
		state_alive "$tmp/state" "$p" || return 1
	done
	for p in $(sed 's/^[0-9]* //; s/>.*//; s/:[^ ]*//g' "$tmp/tl"); do
		! state_alive "$tmp/state" "$p" || return 1
	done
}
# The same from cabatree --json, in $tmp/jl.
json_lineages() {
	"$CABATREE" --json > "$tmp/json" 2> "$tmp/err" || return 1
	while read -r p _; do
		echo "$p $(json_lineage "$tmp/json" "$p")"
	done < "$tmp/tl" > "$tmp/jl"
}

# The table: each process, its lineage by the trace, the state file and
# cabatree --json (PID:NAME of each released ancestor, nearest first, then
# "> CABA"), and whether all three agree.
table() {
	echo "# backend $BACKEND"
	printf '# %-20s | %-42s | %-42s | %-42s | %s\n' process trace "state file" "cabatree --json" match
	while read -r p tline; do
		rline=$(rest "$p" "$tmp/rl") jline=$(rest "$p" "$tmp/jl")
		m=yes
		if [ "$tline" != "$rline" ] || [ "$tline" != "$jline" ]; then
			m=NO
			lineage_agree "$rline" "$tline" && lineage_agree "$jline" "$tline" &&
				m="yes, names not known"
		fi
		printf '# %-20s | %-42s | %-42s | %-42s | %s\n' "$(comm_of "$p")($p)" \
			"$tline" "$rline" "$jline" "$m"
	done < "$tmp/tl"
}

for BACKEND in $backends; do
	echo "# backend: $BACKEND"
	# The connector reads names on exec from /proc: too late for a process
	# that ended at once (tests/live/lineage-lib.sh).
	NAMES_MAY_LACK=
	[ "$BACKEND" = connector ] && NAMES_MAY_LACK=yes
	rm -f "$tmp/state"
	check "$BACKEND: cabatreed starts" start_daemon "$tmp/state" "$tmp/daemon.log" \
		--backend="$BACKEND" -v
	if ! trace_on; then
		trace_off
		skip "tracefs cannot be mounted or has no instances here"
	fi
	workload
	# Until the middle processes that ended are released (their orphans'
	# new parent reaps them when it will) and freed, an RCU grace period
	# later.
	until_ok settled
	trace_stop
	check "$BACKEND: the trace lost no event" trace_read "$tmp/trace"
	trace_lineages
	check "$BACKEND: every process that ended was released" [ -z "$pending" ]
	for p in $(cat "$tmp/pids"); do
		check "$BACKEND: the trace follows $(comm_of "$p")($p)" grep -q "^$p " "$tmp/tl"
	done
	for n in tmux start-stop-daem setsid ssh-agent; do
		check "$BACKEND: the trace shows a released $n" grep -q ":$n" "$tmp/tl"
	done
	check "$BACKEND: the recorder took in the workload" until_ok caught_up
	recorder_lineages
	json_lineages
	table
	check "$BACKEND: every lineage in the state file matches the trace" all_agree "$tmp/rl"
	check "$BACKEND: every lineage in cabatree --json matches the trace" all_agree "$tmp/jl"
	check "$BACKEND: some lineage passes through released ancestors" grep -q ':' "$tmp/tl"
	kill_workload
	trace_off
	check "$BACKEND: cabatreed stops" stop_daemon
done

finish
