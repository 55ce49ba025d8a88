#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh - time cabatree against pstree, ps and a /proc "floor".
#
# Usage: bench/run.sh [N...]            (default: 1000 5000 10000)
#
# Environment:
#   CABATREE  binary to test, relative to the repo root or absolute
#             (default build/src/cabatree)
#   RUNS      timed runs per command and N (default 7)
#   WARMUP    untimed runs per command before timing (default 1)
#   TIMER     rusage (default): bench/.build/rusage, wait4() numbers with
#             microsecond resolution; gnu: /usr/bin/time, 10 ms resolution
#
# For every N it starts N sleeping processes, times each command RUNS
# times round-robin, prints a markdown table and kills everything it
# started.  Missed targets are reported, never turned into a failure:
# the exit status is 0 unless the benchmark itself could not run.

set -u -o pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
cd "$root" || exit 1

RUNS=${RUNS:-7}
WARMUP=${WARMUP:-1}
TIMER=${TIMER:-rusage}
CABATREE=${CABATREE:-build/src/cabatree}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 10000)

. bench/lib.sh

is_count()
{
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]
}

for n in "${sizes[@]}"; do
	is_count "$n" || die "N must be a positive integer, got '$n'"
done
is_count "$RUNS" || die "RUNS must be a positive integer, got '$RUNS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a number, got '$WARMUP'"
case $TIMER in
rusage|gnu) ;;
*) die "TIMER must be 'rusage' or 'gnu', got '$TIMER'" ;;
esac

# ---------------------------------------------------------------- tools

missing_pkgs=()

need()
{
	# need TEST-ARGS... -- PACKAGE
	local pkg=${*: -1}
	local args=("${@:1:$#-2}")

	test "${args[@]}" || missing_pkgs+=("$pkg")
}

need -x "$(command -v cc)" -- gcc
need -e /usr/include/stdio.h -- libc6-dev
need -x "$(command -v pstree)" -- psmisc
need -x "$(command -v ps)" -- procps
need -x "$(command -v pgrep)" -- procps
[ "$TIMER" = gnu ] && need -x /usr/bin/time -- time

if [ ${#missing_pkgs[@]} -gt 0 ]; then
	mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
	[ "$(id -u)" = 0 ] ||
		die "missing packages: ${missing_pkgs[*]} (install them as root)"
	echo "bench: installing ${missing_pkgs[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${missing_pkgs[@]}" >&2 ||
		{ apt-get update >&2 &&
		  apt-get install -y --no-install-recommends \
			"${missing_pkgs[@]}" >&2; } ||
		die "could not install ${missing_pkgs[*]}"
fi

build_helpers floor sleepers rusage

case $CABATREE in
*/*)	[ -x "$CABATREE" ] ||
		die "no executable at '$CABATREE' (relative to $root); build it first with 'make -C build' or './build.sh run', or set CABATREE" ;;
*)	command -v "$CABATREE" >/dev/null ||
		die "'$CABATREE' not found in PATH" ;;
esac

# ------------------------------------------------------- process limits

nthreads()
{
	# 4th field of /proc/loadavg is running/total scheduling entities
	local f
	read -r _ _ _ f _ </proc/loadavg
	echo "${f#*/}"
}

# Fail early, with a message that says which knob to turn, if N more
# processes cannot exist at once.
check_limits()
{
	local n=$1 margin=200 have want lim line path dir

	have=$(nthreads)
	want=$((have + n + margin))

	lim=$(cat /proc/sys/kernel/pid_max)
	[ "$want" -le "$lim" ] ||
		die "N=$n needs about $want pids but kernel.pid_max is $lim; raise it (sysctl -w kernel.pid_max=$((want * 2))) or use a smaller N"

	lim=$(cat /proc/sys/kernel/threads-max)
	[ "$want" -le "$lim" ] ||
		die "N=$n needs about $want tasks but kernel.threads-max is $lim; raise it (sysctl -w kernel.threads-max=$((want * 2))) or use a smaller N"

	# RLIMIT_NPROC counts the user's tasks and does not apply to root.
	lim=$(ulimit -u)
	if [ "$(id -u)" != 0 ] && [ "$lim" != unlimited ]; then
		have=$(ps -L -u "$(id -u)" --no-headers | wc -l)
		[ $((have + n + margin)) -le "$lim" ] ||
			die "N=$n would exceed 'ulimit -u' ($lim, $have tasks in use); raise it (ulimit -u $((have + n + margin))) or use a smaller N"
	fi

	# A pids cgroup limit applies at every level up to the root.
	line=$(grep -E '^[0-9]+:(pids)?:' /proc/self/cgroup |
	       grep -E ':pids:|^0::' | head -n 1)
	if [ -n "$line" ]; then
		path=${line#*:*:}
		case $line in
		*:pids:*) dir=/sys/fs/cgroup/pids$path ;;
		*)	  dir=/sys/fs/cgroup$path ;;
		esac
		while [ -d "$dir" ]; do
			if [ -r "$dir/pids.max" ] && [ -r "$dir/pids.current" ]; then
				lim=$(cat "$dir/pids.max")
				have=$(cat "$dir/pids.current")
				[ "$lim" = max ] || [ $((have + n + margin)) -le "$lim" ] ||
					die "N=$n would exceed the pids cgroup limit $lim in $dir ($have in use); raise pids.max there or use a smaller N"
			fi
			[ "$dir" = /sys/fs/cgroup ] ||
				[ "$dir" = /sys/fs/cgroup/pids ] || [ "$dir" = / ] ||
				{ dir=${dir%/*}; continue; }
			break
		done
	fi

	# A paused fork of a tiny program costs ~50 KiB, mostly kernel side.
	lim=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	[ $((n * 64)) -le "$lim" ] ||
		die "N=$n needs about $((n * 64)) KiB but only $lim KiB is available"
}

# ----------------------------------------------------------- sleepers

tmp=$(mktemp -d /tmp/cabatree-bench.XXXXXX) || die "mktemp failed"
spid=

# Kill everything the current sleepers process created: its process
# group (it is a session leader of its own), then wait until every
# member has been reaped so the next N starts from a clean table.
stop_sleepers()
{
	local i left

	[ -n "$spid" ] || return 0
	kill -KILL -- "-$spid" 2>/dev/null
	kill -KILL "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	for ((i = 0; i < 600; i++)); do
		pgrep -g "$spid" >/dev/null || break
		sleep 0.1
	done
	left=$(pgrep -g "$spid")
	if [ -n "$left" ]; then
		# shellcheck disable=SC2086 # one pid per word
		kill -KILL $left 2>/dev/null
		echo "bench: warning: $(echo "$left" | wc -l) processes of group $spid were still alive after 60 s" >&2
	fi
	spid=
}

# shellcheck disable=SC2317 # called from the EXIT trap
on_exit()
{
	stop_sleepers
	rm -rf "$tmp"
}

trap on_exit EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

start_sleepers()
{
	local n=$1 pidfile=$tmp/pids.$1 ready=$tmp/ready.$1 err=$tmp/sleepers.err
	local i limit got

	"$build_dir/sleepers" "$n" "$pidfile" >"$ready" 2>"$err" </dev/null &
	spid=$!
	limit=$((300 + n / 10))		# tenths of a second
	for ((i = 0; ; i++)); do
		grep -q ready "$ready" 2>/dev/null && break
		if ! kill -0 "$spid" 2>/dev/null; then
			spid=
			die "could not start $n processes: $(cat "$err")"
		fi
		[ "$i" -lt "$limit" ] ||
			die "$n processes were not all started after $((limit / 10)) s"
		sleep 0.1
	done
	got=$(pgrep -c -P "$spid")
	[ "$got" -eq "$n" ] ||
		die "expected $n children of $spid, found $got"
}

# ----------------------------------------------------------- commands

labels=(
	"cabatree"
	"cabatree -c"
	"cabatree --json"
	"pstree -p"
	"ps -e --forest"
	"floor(status)"
	"floor(status+stat)"
)
q=$(printf '%q' "$CABATREE")
cmds=(
	"$q"
	"$q -c"
	"$q --json"
	"pstree -p"
	"ps -e --forest"
	"$build_dir/floor status"
	"$build_dir/floor status+stat"
)
ncmd=${#cmds[@]}
i_text=0
i_pstree=3
i_floor=6

if [ "$TIMER" = gnu ]; then
	timer_fmt="/usr/bin/time -o %s -f '%%U %%S %%M %%x'"
else
	timer_fmt="$build_dir/rusage -o %s"
fi

# timed INDEX OUTFILE: run command INDEX once under the timer.
timed()
{
	local prefix

	# shellcheck disable=SC2059 # the format is ours
	prefix=$(printf "$timer_fmt" "$2")
	eval "$prefix ${cmds[$1]}" </dev/null >/dev/null 2>"$tmp/stderr.$1"
}

# median: numbers on stdin, one per line
median()
{
	sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

# ------------------------------------------------------------- header

for n in "${sizes[@]}"; do
	check_limits "$n"
done

echo "# cabatree benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r), $(awk '/^MemTotal:/ { printf "%d MiB RAM", $2 / 1024 }' /proc/meminfo)"
echo "- kernel.pid_max $(cat /proc/sys/kernel/pid_max), ulimit -u $(ulimit -u)"
echo "- cabatree: $CABATREE"
echo "- runs: $RUNS timed (+$WARMUP warm-up) per command and N, round-robin, median of user+sys CPU and of peak RSS"
if [ "$TIMER" = gnu ]; then
	echo "- timer: GNU time (/usr/bin/time, 10 ms resolution)"
else
	echo "- timer: $build_dir/rusage (wait4() rusage, like GNU time's %U %S %M, but microsecond resolution)"
fi
echo "- processes: '$build_dir/sleepers N PIDFILE' forks N children that pause(), all children of one parent"
echo
echo "Exact command lines (run from $root, FILE receives 'user sys maxrss_kib exit'):"
echo
for ((c = 0; c < ncmd; c++)); do
	# shellcheck disable=SC2059
	echo "    $(printf "$timer_fmt" FILE) ${cmds[$c]} </dev/null >/dev/null"
done

declare -A cpu rss

# --------------------------------------------------------------- main

for n in "${sizes[@]}"; do
	check_limits "$n"
	before=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
	start_sleepers "$n"
	seen=$("$build_dir/floor" status)

	echo
	echo "## N = $n"
	echo
	echo "$n sleepers started (parent pid $spid); floor sees $seen processes, $before existed before."
	echo

	for ((c = 0; c < ncmd; c++)); do
		: >"$tmp/cpu.$c"
		: >"$tmp/rss.$c"
		rm -f "$tmp/bad.$c"
	done

	for ((r = -WARMUP; r < RUNS; r++)); do
		for ((k = 0; k < ncmd; k++)); do
			# rotate the starting command so no command is always
			# first or always follows the same neighbour
			c=$(((k + r + WARMUP) % ncmd))
			timed "$c" "$tmp/t"
			read -r u s m x < <(tail -n 1 "$tmp/t")
			[ "${x:-1}" = 0 ] || echo "${x:-?}" >"$tmp/bad.$c"
			[ "$r" -ge 0 ] || continue
			awk -v u="$u" -v s="$s" \
				'BEGIN { printf "%.3f\n", (u + s) * 1000 }' \
				>>"$tmp/cpu.$c"
			echo "$m" >>"$tmp/rss.$c"
		done
	done

	for ((c = 0; c < ncmd; c++)); do
		cpu[$n,$c]=$(median <"$tmp/cpu.$c")
		rss[$n,$c]=$(median <"$tmp/rss.$c")
	done

	echo "| command | CPU ms (median) | CPU ms min-max | peak RSS KiB | CPU / pstree -p | CPU / floor(status+stat) | RSS / pstree -p |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for ((c = 0; c < ncmd; c++)); do
		note=
		[ -e "$tmp/bad.$c" ] &&
			note=" (exit $(cat "$tmp/bad.$c")!)"
		printf '| %s%s | %.1f | %s | %d | %s | %s | %s |\n' \
			"${labels[$c]}" "$note" "${cpu[$n,$c]}" \
			"$(sort -g "$tmp/cpu.$c" | awk 'NR == 1 { lo = $1 }
				END { printf "%.1f-%.1f", lo, $1 }')" \
			"${rss[$n,$c]}" \
			"$(ratio "${cpu[$n,$c]}" "${cpu[$n,$i_pstree]}")" \
			"$(ratio "${cpu[$n,$c]}" "${cpu[$n,$i_floor]}")" \
			"$(ratio "${rss[$n,$c]}" "${rss[$n,$i_pstree]}")"
	done
	for ((c = 0; c < ncmd; c++)); do
		[ -e "$tmp/bad.$c" ] || continue
		echo
		echo "Note: '${labels[$c]}' exited with status $(cat "$tmp/bad.$c"); its stderr began:"
		head -n 3 "$tmp/stderr.$c" | sed 's/^/    /'
	done

	stop_sleepers
done

# ------------------------------------------------------------ targets

echo
echo "## Targets (information only; default text output)"
echo
check()
{
	# check DESCRIPTION VALUE REFERENCE FACTOR OP: is VALUE OP FACTOR x
	# REFERENCE?  Decided on the unrounded ratio.
	awk -v d="$1" -v v="$2" -v r="$3" -v f="$4" -v op="$5" 'BEGIN {
		if (r <= 0) { printf "- %s: n/a\n", d; exit }
		x = v / r
		ok = (op == "<=") ? (x <= f) : (x < f)
		printf "- %s: %.3f (target %s %s): %s\n", d, x, op, f,
			ok ? "holds" : "MISSED" }'
}
for n in 5000 10000; do
	if [ -z "${cpu[$n,$i_text]+set}" ]; then
		echo "- N=$n: not measured"
		continue
	fi
	check "N=$n CPU vs pstree -p" \
		"${cpu[$n,$i_text]}" "${cpu[$n,$i_pstree]}" 0.30 "<="
	check "N=$n CPU vs floor(status+stat)" \
		"${cpu[$n,$i_text]}" "${cpu[$n,$i_floor]}" 1.5 "<="
	check "N=$n peak RSS vs pstree -p" \
		"${rss[$n,$i_text]}" "${rss[$n,$i_pstree]}" 2 "<"
done

exit 0
