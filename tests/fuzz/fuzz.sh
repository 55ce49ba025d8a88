#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz: build each fuzz target with clang, libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer into BUILDDIR/fuzz, run it FUZZ_SECONDS on
# its seed corpus and past crashes, and say per target how many inputs it
# ran, how fast, what coverage it reached and whether it crashed. Stops with
# a failing status and the reproducer's path after a crash.
#
# From the Makefile: FUZZ_CC FUZZ_WHY FUZZ_CPPFLAGS FUZZ_LIBS FUZZ_SOURCES
# FUZZ_TARGETS FUZZ_SECONDS FUZZ_JOBS TOP_SRCDIR TOP_BUILDDIR.
set -u

if [ -n "${FUZZ_WHY:-}" ]; then
	echo "make fuzz: cannot build the fuzz targets: $FUZZ_WHY; then run configure again" >&2
	exit 1
fi
out=$TOP_BUILDDIR/fuzz
fuzzdir=$TOP_SRCDIR/tests/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san"
mkdir -p "$out/obj" || exit 1

# The library, instrumented for coverage, again when a source or the
# flags changed since.
stamp=$out/obj/stamp
want="$FUZZ_CC $cflags $FUZZ_CPPFLAGS"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] ||
   [ -n "$(find "$TOP_SRCDIR/src" "$TOP_BUILDDIR/config.h" -newer "$stamp" -print | head -n 1)" ]; then
	rm -f "$stamp"
	for s in $FUZZ_SOURCES; do
		case $s in *.c) ;; *) continue ;; esac
		echo "  CC (fuzz) $s"
		# shellcheck disable=SC2086  # flags are word lists
		$FUZZ_CC $cflags -fsanitize=fuzzer-no-link $FUZZ_CPPFLAGS \
			-c "$TOP_SRCDIR/$s" -o "$out/obj/$(echo "$s" | tr / _).o" || exit 1
	done
	echo "$want" > "$stamp"
fi
objs=
for s in $FUZZ_SOURCES; do
	case $s in *.c) objs="$objs $out/obj/$(echo "$s" | tr / _).o" ;; esac
done
for t in $FUZZ_TARGETS; do
	if [ ! -f "$fuzzdir/fuzz_$t.c" ]; then
		echo "make fuzz: no fuzz target '$t' ($fuzzdir/fuzz_$t.c)" >&2
		exit 1
	fi
	if [ ! -x "$out/fuzz_$t" ] || [ -n "$(find "$stamp" "$fuzzdir/fuzz_$t.c" "$fuzzdir/fuzz.h" -newer "$out/fuzz_$t" -print)" ]; then
		echo "  CCLD (fuzz) fuzz_$t"
		# shellcheck disable=SC2086
		$FUZZ_CC $cflags -fsanitize=fuzzer $FUZZ_CPPFLAGS "$fuzzdir/fuzz_$t.c" \
			$objs $FUZZ_LIBS -o "$out/fuzz_$t" || exit 1
	fi
done

# field NAME LOG: a stat::NAME figure of libFuzzer's final statistics.
field() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

# Fuzz one target; its report goes to $out/NAME.report, its log to $out/NAME.log.
run() {
	t=$1
	log=$out/$t.log
	work=$out/corpus/$t
	crashes=$out/crashes/$t
	mkdir -p "$work" "$crashes"
	set -- "$work"
	for d in "$fuzzdir/corpus/$t" "$fuzzdir/regress/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$out/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
			-print_final_stats=1 -artifact_prefix="$crashes/" "$@" > "$log" 2>&1
	st=$?
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1)
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n 1)
	{
		printf 'fuzz_%s: %s runs in %s s, %s exec/s, %s, %s, ' "$t" \
			"$(field number_of_executed_units "$log")" "$FUZZ_SECONDS" \
			"$(field average_exec_per_sec "$log")" "${cov:-cov: ?}" "${corp:-corp: ?}"
		if [ "$st" = 0 ]; then
			echo "crashes: 0"
		else
			echo "crashes: 1 (status $st)"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant broken|.*runtime error)' "$log" |
				head -n 5 | sed 's/^/  /'
			echo "  reproducer: ${repro:-none written, see $log}"
			echo "  replay it:  $out/fuzz_$t ${repro:-INPUT}"
			echo "  keep it:    cp ${repro:-INPUT} $fuzzdir/regress/$t/ (then fix, and commit both)"
			echo "  full log:   $log"
		fi
	} > "$out/$t.report"
	return "$st"
}

failed=0
set -- $FUZZ_TARGETS
while [ $# -gt 0 ] && [ "$failed" = 0 ]; do
	batch=
	while [ $# -gt 0 ] && [ "$(echo $batch | wc -w)" -lt "${FUZZ_JOBS:-1}" ]; do
		batch="$batch $1"
		shift
	done
	pids=
	for t in $batch; do
		echo "  FUZZ fuzz_$t for ${FUZZ_SECONDS}s"
		run "$t" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || failed=1
	done
	for t in $batch; do
		cat "$out/$t.report"
	done
done
if [ "$failed" != 0 ]; then
	[ $# -gt 0 ] && echo "make fuzz: stopped after a crash; not run: $*"
	exit 1
fi
