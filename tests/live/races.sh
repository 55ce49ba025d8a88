#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cabatree scanning while processes are created and end at a high rate,
# with pids handed out again at once: in a new pid namespace with its own
# /proc, tests/live/storm resets ns_last_pid every millisecond. Every scan
# (text, --json, -t, -a, in turn) must succeed, and no process may be shown
# under a parent it never had: storm names each child "k<PID of its
# parent>" and logs every fork, and every record of such a child is checked
# against that log (its parent, or storm, to which orphans are reparented).
# In --json, a parent listed with a start time after its child's is a pid
# reused by another process: that is a wrong parent too.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR/build}"
: "${CABATREE:=$TOP_BUILDDIR/src/cabatree}"
: "${STORM_SECONDS:=20}"
: "${MIN_SCANS:=200}"
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C.UTF-8

need "needs root (a new pid namespace with its own /proc, and its ns_last_pid)" [ "$(id -u)" = 0 ]
need "needs a pid namespace with its own /proc (unshare -p -f --mount-proc)" \
	unshare -p -f --mount-proc true

[ -x "$TOP_BUILDDIR/tests/live/storm" ] ||
	{ echo "not ok - $TOP_BUILDDIR/tests/live/storm is not built (make check builds it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
start=$(date +%s)
# Inside the namespace: the storm, and scans in turn until it ends.
# /proc/. rather than /proc: the recorder of the host knows nothing here.
# Scans go on for STORM_SECONDS and until there were MIN_SCANS of them,
# however slow a loaded machine makes them: the storm ends when told to
# (log.stop); its own limit, the timeouts and HANG_SECONDS only end a hang.
: "${HANG_SECONDS:=1800}"
STORM="$TOP_BUILDDIR/tests/live/storm" CABATREE="$CABATREE" T="$tmp" N="$STORM_SECONDS" \
MIN="$MIN_SCANS" H="$HANG_SECONDS" timeout -k 5 $((STORM_SECONDS + HANG_SECONDS + 60)) \
unshare -p -f --mount-proc sh -c '
	"$STORM" "$T/log" $((N + H)) > "$T/storm.out" & storm=$!
	end=$(($(date +%s) + N))
	i=0
	while kill -0 $storm 2> /dev/null &&
	      { [ $i -lt "$MIN" ] || [ "$(date +%s)" -lt $end ]; }; do
		case $((i % 4)) in
		0) a="--tree=real -A" ;;
		1) a="--json" ;;
		2) a="--json -t -a" ;;
		3) a="--tree=real -A -t -a" ;;
		esac
		# shellcheck disable=SC2086
		timeout 600 "$CABATREE" --proc-root /proc/. $a > "$T/out.$i" 2> "$T/err.$i"
		echo "$? $a" > "$T/run.$i"
		i=$((i + 1))
	done
	: > "$T/log.stop"
	wait $storm
	echo $? > "$T/storm.st"'
end=$(date +%s)

scans=$(ls "$tmp" | grep -c '^run\.')
forks=$(($(wc -l < "$tmp/log") - 1))
echo "# $scans scans in $((end - start)) s while storm created $forks processes ($(cat "$tmp/storm.out" 2>/dev/null))"
check "storm ran to its end" [ "$(cat "$tmp/storm.st" 2>/dev/null)" = 0 ]
check "at least $MIN_SCANS scans ($scans)" [ "$scans" -ge "$MIN_SCANS" ]
check "storm forked at least 10,000 times ($forks)" [ "$forks" -ge 10000 ]

perl -MJSON::PP -e '
	my $dir = shift;
	open(my $l, "<", "$dir/log") or die;
	my ($storm) = (<$l> =~ /^storm (\d+)$/) or die "no storm line\n";
	my %had;	# child pid -> { parent pid -> 1 }, over all its holders
	while (<$l>) { my ($c, $p) = /^(\d+) (\d+)$/ or next; $had{$c}{$p} = 1 }
	my ($bad, $checked, $reused, $failed, $noisy) = (0, 0, 0, 0, 0);
	my $say = sub { print "# $_[0]\n"; $bad++ };
	my $ok_parent = sub {
		my ($pid, $named, $ppid) = @_;
		return 1 if $ppid == $storm;
		return $ppid == $named && $had{$pid}{$ppid};
	};
	for my $run (glob "$dir/run.*") {
		my ($i) = $run =~ /(\d+)$/;
		open(my $r, "<", $run) or die;
		my ($st, $args) = (<$r> =~ /^(\d+) (.*)$/);
		my $err = do { local $/; open(my $e, "<", "$dir/err.$i"); <$e> // "" };
		if ($st != 0) { $say->("scan $i ($args): exit status $st: $err"); $failed++; next }
		if ($err =~ /malformed|cannot/) { $say->("scan $i ($args): $err") }
		$noisy++ if $err ne "";
		open(my $o, "<", "$dir/out.$i") or die;
		if ($args =~ /--json/) {
			my $doc = eval { local $/; decode_json(<$o>) };
			if (!$doc) { $say->("scan $i: not JSON: $@"); next }
			my %by = map { $_->{pid} => $_ } @{$doc->{processes}};
			for my $p (@{$doc->{processes}}) {
				my ($named) = $p->{name} =~ /^k(\d+)$/ or next;
				$checked++;
				$ok_parent->($p->{pid}, $named, $p->{ppid}) or
					$say->("scan $i: $p->{name}($p->{pid}) with ppid $p->{ppid}: never its parent");
				my $q = $by{$p->{ppid}} or next;
				if ($q->{start_time} > $p->{start_time}) {
					$reused++;
					$say->("scan $i: $p->{name}($p->{pid}) under $q->{name}($q->{pid}), started after it: a reused pid");
				}
			}
		} else {
			my @stack;	# pid at each depth
			while (my $line = <$o>) {
				last if $line =~ /^$/;
				next if $line =~ /^REAL TREE/;
				$line =~ /^((?:[| ] )*)([|`]-)?(\{?)([^(]*?)\}?\((\d+)[,)]/ or next;
				my ($thread, $name, $pid) = ($3, $4, $5);
				my $depth = defined $2 ? length($1) / 2 + 1 : 0;
				$#stack = $depth - 1;
				next if $thread;
				if (my ($named) = $name =~ /^k(\d+)$/) {
					$checked++;
					if ($depth > 0 && !$ok_parent->($pid, $named, $stack[$depth - 1])) {
						$say->("scan $i: $name($pid) shown under $stack[$depth - 1]: never its parent");
					}
				}
				$stack[$depth] = $pid;
			}
		}
	}
	print "# $checked records of named children checked; $failed scans failed; $noisy with messages\n";
	exit($bad ? 1 : 0);
' "$tmp" > "$tmp/check.out"
st=$?
head -n 40 "$tmp/check.out"
check "every scan succeeded, every child under a parent it had" [ "$st" = 0 ]
finish
