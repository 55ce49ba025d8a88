#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages, from a copy of the committed tree (git archive
# HEAD): dpkg-buildpackage -us -uc -b (its build runs the suites that need
# no root), lintian (no error, no warning), apt-get install, cabatree and
# cabatreed from /usr, the same version installed again, then a rebuilt
# version over it, with the recorder that the package runs keeping its
# state; removal with the recorder running and after a kill -9; purge,
# and nothing left. As root, on Debian 12: it installs packages, so it is
# not part of "make check"; .ci/run runs it.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$TOP_SRCDIR/tests/lib.sh"

need "needs root (apt-get, dpkg, cabatreed)" [ "$(id -u)" = 0 ]
need "needs apt-get and dpkg-buildpackage (Debian 12)" \
	sh -c 'command -v apt-get && command -v dpkg-buildpackage'
need "needs a git checkout, to copy its committed tree" \
	git -C "$TOP_SRCDIR" rev-parse --verify -q HEAD
status() { dpkg-query -W -f='${db:Status-Status}' "$1" 2> /dev/null; }
installed() { [ "$(status "$1")" = installed ]; }
versions() { echo $(dpkg-query -W -f='${Version}\n' cabatree cabatreed); }
gone() { case $(status "$1") in "" | not-installed) return 0 ;; esac; return 1; }
for p in cabatree cabatreed; do
	installed "$p" && need "the package $p is installed already: this suite installs and purges it (apt-get purge cabatree cabatreed)"
done
[ -e /run/cabatree ] &&
	need "/run/cabatree exists: a recorder of the default state may run (stop it, then rm -r /run/cabatree)"

export DEBIAN_FRONTEND=noninteractive
: "${DEB_BUILD_OPTIONS:=parallel=2}"
export DEB_BUILD_OPTIONS
apt_install() {
	apt-get install -y --no-install-recommends "$@" ||
		{ apt-get update && apt-get install -y --no-install-recommends "$@"; }
}

work=$(mktemp -d /var/tmp/cabatree-deb.XXXXXX) || exit 1
# apt reads the .deb files as its own user.
chmod 755 "$work"
rec= orphan=
cleanup() {
	[ -z "$orphan" ] || kill "$orphan" 2> /dev/null
	if [ -n "$rec" ]; then
		kill "$rec" 2> /dev/null
		wait "$rec" 2> /dev/null
	fi
	for p in cabatree cabatreed; do
		gone "$p" || apt-get purge -y -q "$p" > /dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
src=$work/cabatree
mkdir "$src"
git -C "$TOP_SRCDIR" archive HEAD | tar -x -C "$src" || exit 1
log=$work/log

# Where the packages leave files: what is there before, for after the
# purge (bpffs: the recorder's own pins are checked below; other pins are
# other recorders').
leftovers() {
	find /etc /lib /usr /var/lib /var/cache -path /var/cache/cabatree -prune -o \
		-name '*cabatree*' ! -name 'cabatree-test.*' ! -name 'cabatree-demo.*' -print \
		2> /dev/null | LC_ALL=C sort
}
leftovers > "$work/before"

# ---- build ----
echo "# installing the build dependencies (debhelper, lintian, debian/control)"
apt_install debhelper lintian > "$log" 2>&1 &&
	(cd "$src" && apt-get build-dep -y "$src") >> "$log" 2>&1 ||
	{ sed 's/^/# /' "$log"; not_ok "the build dependencies install"; finish; exit; }

# The source package too, for lintian, from the clean copy.
(cd "$work" && dpkg-source -b cabatree) > "$log" 2>&1 ||
	{ sed 's/^/# /' "$log"; not_ok "dpkg-source -b"; }
start=$(date +%s)
if (cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b, in $(($(date +%s) - start)) s; dh_auto_test:\
 $(sed -n 's/^# PASS: *//p' "$src/test-suite.log" 2> /dev/null || echo no) suites passed"
else
	tail -n 40 "$work/build.log" | sed 's/^/# /'
	[ ! -f "$src/test-suite.log" ] || sed 's/^/# /' "$src/test-suite.log"
	not_ok "dpkg-buildpackage -us -uc -b"
	finish
	exit
fi
ver=$(cd "$src" && dpkg-parsechangelog -S Version)
debs="$work/cabatree_${ver}_$(dpkg --print-architecture).deb $work/cabatreed_${ver}_$(dpkg --print-architecture).deb"
for f in $debs; do
	[ -f "$f" ] || { not_ok "$f was built"; finish; exit; }
done

# ---- lintian ----
# As nobody, as lintian wants: it reads, never writes.
(cd "$work" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	lintian --pedantic -I --show-overrides --fail-on error,warning \
	cabatree_"$ver".dsc cabatree_"$ver"_*.changes) > "$work/lintian" 2>&1
st=$?
echo "# lintian --pedantic -I --show-overrides (O: overridden, see debian/*.lintian-overrides):"
sed 's/^/#   /' "$work/lintian"
check "lintian: no error and no warning (status $st)" \
	sh -c '[ "$1" = 0 ] && ! grep -q "^[EW]: " "$2"' sh "$st" "$work/lintian"

# ---- install ----
apt_install $debs > "$log" 2>&1
check "apt-get install ./cabatree_$ver.deb ./cabatreed_$ver.deb" \
	[ "$(versions)" = "$ver $ver" ]
sed 's/^/# /' "$log" | grep -v "Reading database" | tail -n 12
for p in cabatree cabatreed; do
	echo "# dpkg -L $p:"
	dpkg -L "$p" | while IFS= read -r f; do [ -d "$f" ] || echo "#   $f"; done
done
dpkg -L cabatree cabatreed | while IFS= read -r f; do [ -d "$f" ] || echo "$f"; done > "$work/files"

if [ -d /run/systemd/system ]; then
	check "the service is enabled and running" \
		sh -c 'systemctl is-enabled -q cabatreed && systemctl is-active -q cabatreed'
else
	check "without systemd, the postinst says how to start the recorder" \
		grep -q "start it as root, here and at each boot: setsid -f cabatreed" "$log"
fi
check "the unit is in /lib/systemd/system" test -f /lib/systemd/system/cabatreed.service

# cabatree and cabatreed from /usr, the recorder on a state of its own.
if sh "$src/debian/tests/smoke" > "$log" 2>&1; then
	ok "debian/tests/smoke: $(tail -n 1 "$log")"
else
	sed 's/^/# /' "$log"
	not_ok "debian/tests/smoke"
fi

# ---- the recorder of the package, across reinstall and upgrade ----
# Where systemd runs, the package started it; elsewhere, start it as the
# postinst says, on the default state /run/cabatree/state.
recorder_start() {
	if [ -d /run/systemd/system ]; then
		systemctl start cabatreed
		rec=
		return
	fi
	rm -f "$work/ready"
	mkfifo "$work/ready"
	/usr/sbin/cabatreed --ready-fd=3 3> "$work/ready" 2>> "$work/recorder.log" &
	rec=$!
	read -r _line < "$work/ready"
	[ "$_line" = READY=1 ]
}
# The pid of the recorder of /run/cabatree/state, as its state says.
recorder_pid() { sed -n 's/^daemon \([0-9]*\) .*/\1/p' /run/cabatree/state 2> /dev/null; }
# Where cabatreed pins its eBPF programs for the state file NAME in DIR
# (cabatreed(8), BACKENDS): /sys/fs/bpf/cabatree-vN/ (N the layout of its
# records) and the FNV-1a hash of "DEV:INO:NAME".
pin_dir() {
	_h=1469598103934665603
	for _c in $(printf '%s:%s' "$(stat -c %d:%i "$1")" "$2" | od -An -v -tu1); do
		_h=$(((_h ^ _c) * 1099511628211))
	done
	ls -d /sys/fs/bpf/cabatree-v*/"$(printf '%016x' "$_h")" 2> /dev/null | head -n 1
}
# born_here: the orphan is known to have been born under this shell.
born_here() {
	/usr/bin/cabatree --json -p "$orphan" 2> /dev/null |
		jq -e --argjson o "$orphan" --argjson c "$$" \
		'.processes[] | select(.pid == $o) | .caba == $c and .caba_status == "witnessed"' > /dev/null
}
# A shell that starts a sleep and exits: the recorder witnesses the sleep
# being born under this shell; only a state kept across says so later.
check "the packaged recorder runs on /run/cabatree/state" recorder_start
pid0=$(recorder_pid)
orphan=$(sh -c 'sleep 3600 > /dev/null 2>&1 & echo $!')
check "cabatree shows the orphan born under this shell (witnessed)" born_here

apt-get install -y --reinstall $debs > "$log" 2>&1
check "the same version installed again" \
	[ "$(dpkg-query -W -f='${Version}' cabatreed)" = "$ver" ]
if [ -d /run/systemd/system ]; then
	check "the recorder was restarted (pid $pid0, now $(recorder_pid))" \
		[ "$(recorder_pid)" != "$pid0" ]
else
	check "the recorder runs on, untouched (pid $pid0)" \
		sh -c '[ "$(sed -n "s/^daemon \([0-9]*\) .*/\1/p" /run/cabatree/state)" = "$1" ] && kill -0 "$1"' sh "$pid0"
	check "the postinst says it runs the program installed before" \
		grep -q "still runs the program installed before; .* (kill $pid0)" "$log"
fi
check "its state still has the orphan born under this shell" born_here

# A rebuilt version: a changelog entry of its own, the same sources.
# Built without the tests, which the first build ran on the same sources.
newver=$ver+test1
{
	printf 'cabatree (%s) unstable; urgency=medium\n\n' "$newver"
	printf '  * Rebuilt, to test the upgrade.\n\n'
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$src/debian/changelog" -S Maintainer)" "$(date -R)"
	cat "$src/debian/changelog"
} > "$work/changelog" && mv "$work/changelog" "$src/debian/changelog"
if (cd "$src" && DEB_BUILD_OPTIONS="$DEB_BUILD_OPTIONS nocheck" dpkg-buildpackage -us -uc -b) > "$work/build2.log" 2>&1; then
	ok "dpkg-buildpackage of $newver"
else
	tail -n 40 "$work/build2.log" | sed 's/^/# /'
	not_ok "dpkg-buildpackage of $newver"
	finish
	exit
fi
newdebs=$(echo "$debs" | sed "s/_${ver}_/_${newver}_/g")
apt-get install -y $newdebs > "$log" 2>&1
sed 's/^/# /' "$log" | grep -v "Reading database" | grep -i "unpacking\|setting up\|cabatreed:"
check "$newver installed over $ver" \
	[ "$(versions)" = "$newver $newver" ]
if [ -d /run/systemd/system ]; then
	check "the recorder was restarted" [ "$(recorder_pid)" != "$pid0" ]
else
	check "the recorder runs on (pid $pid0), and the postinst says to restart it" \
		grep -q "still runs the program installed before; .* (kill $pid0)" "$log"
	# As the postinst says: stop it, start it again.
	kill "$pid0"
	st=0
	wait "$pid0" || st=$?
	check "stopped as the postinst says, the recorder exits with $st" [ "$st" = 0 ]
	rec=
	check "started again, from $newver" recorder_start
	check "it continues from its state file" \
		grep -q "continuing from /run/cabatree/state" "$work/recorder.log"
fi
check "its state still has the orphan born under this shell" born_here
sed 's/^/# recorder: /' "$work/recorder.log" 2> /dev/null | tail -n 6

# ---- removal ----
pid1=$(recorder_pid)
apt-get remove -y cabatreed > "$log" 2>&1
check "apt-get remove cabatreed" eval '! installed cabatreed'
check "the recorder (pid $pid1) was stopped" sh -c '! kill -0 "$1" 2> /dev/null' sh "$pid1"
[ -z "$rec" ] || wait "$rec" 2> /dev/null
rec=
check "/run/cabatree is removed" test ! -e /run/cabatree

# Killed, the recorder leaves its state and its eBPF pins: the purge
# removes them.
apt-get install -y $newdebs > "$log" 2>&1
recorder_start
pins=
grep -q '^backend ebpf' /run/cabatree/state && pins=$(pin_dir /run/cabatree state)
pid2=$(recorder_pid)
if [ -d /run/systemd/system ]; then
	systemctl kill -s KILL cabatreed
else
	kill -KILL "$pid2"
	wait "$pid2" 2> /dev/null
	rec=
fi
if [ -n "$pins" ]; then
	check "after kill -9 its eBPF pins stay ($pins)" test -d "$pins"
else
	skip_part "the pins after kill -9: cabatreed records without eBPF pins here"
fi
apt-get purge -y cabatree cabatreed > "$log" 2>&1
check "apt-get purge cabatree cabatreed" eval 'gone cabatree && gone cabatreed'
[ -z "$pins" ] || check "the purge removed the pins" test ! -e "$pins"
check "/run/cabatree is removed" test ! -e /run/cabatree
left=
while IFS= read -r f; do
	[ ! -e "$f" ] || left="$left $f"
done < "$work/files"
check "no file of the packages is left${left:+:$left}" [ -z "$left" ]
leftovers | comm -13 "$work/before" - > "$work/after"
check "nothing named cabatree is left in /etc, /lib, /usr, /var/lib, /var/cache" \
	[ ! -s "$work/after" ]
sed 's/^/# left: /' "$work/after"

kill "$orphan" 2> /dev/null
orphan=

# ---- under systemd ----
# Where systemd is not PID 1, the same packages in a Debian 12 container
# booted by systemd-nspawn: enabled and started on install, restarted on
# reinstall and upgrade keeping its state (RuntimeDirectoryPreserve=),
# stopped on removal, nothing left by the purge. The container's root
# (debootstrap, a few minutes the first time) is kept for the next run.
# nspawn filters bpf(2): the recorder uses the proc connector there.
in_container() {
	if [ -d /run/systemd/system ]; then
		return 0
	fi
	apt_install systemd-container debootstrap > "$log" 2>&1 ||
		{ sed 's/^/# /' "$log"; not_ok "systemd-container and debootstrap install"; return 1; }
	croot=/var/cache/cabatree/nspawn-bookworm
	if [ ! -x "$croot/lib/systemd/systemd" ]; then
		rm -rf "$croot"
		mkdir -p /var/cache/cabatree
		debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,jq,procps \
			bookworm "$croot.new" > "$log" 2>&1 && mv "$croot.new" "$croot" ||
			{ tail -n 20 "$log" | sed 's/^/# /'; rm -rf "$croot.new"
			  not_ok "debootstrap bookworm (a container's root)"; return 1; }
	fi
	rm -rf "$croot/root/debs"
	mkdir "$croot/root/debs"
	# shellcheck disable=SC2086
	cp $debs $newdebs "$croot/root/debs/"
	cp "$TOP_SRCDIR/tests/deb/in-container.sh" "$croot/root/debs/"
	systemd-nspawn -q -D "$croot" --boot --register=no --keep-unit \
		--capability=all < /dev/null > "$work/nspawn.log" 2>&1 &
	nspawn=$!
	cinit=
	wait_for "the container's systemd" eval \
		'cinit=$(ps -o pid=,comm= --ppid "$nspawn" | awk "\$2 == \"systemd\" { print \$1 }")
		 [ -n "$cinit" ] || ! kill -0 "$nspawn" 2> /dev/null'
	if [ -z "$cinit" ]; then
		sed 's/^/# /' "$work/nspawn.log"
		not_ok "systemd-nspawn --boot"
		return 1
	fi
	wait_for "the container's boot" eval \
		'nsenter -t "$cinit" -a systemctl is-system-running --wait > /dev/null 2>&1 ||
		 nsenter -t "$cinit" -a systemctl is-system-running 2> /dev/null | grep -qx degraded'
	nsenter -t "$cinit" -a /bin/sh /root/debs/in-container.sh "$ver" "$newver" > "$log" 2>&1
	nsenter -t "$cinit" -a systemctl poweroff > /dev/null 2>&1
	wait "$nspawn"
	rm -rf "$croot/root/debs"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "in a container under systemd: ${line#ok - }" ;;
		"not ok - "*) not_ok "in a container under systemd: ${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done < "$log"
}
in_container

finish
