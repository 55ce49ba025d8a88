#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run by tests/deb/package.sh inside a Debian 12 container booted by
# systemd, with the packages of versions OLD and NEW in /root/debs: the
# service across install, reinstall, upgrade, removal and purge.
set -u
old=$1 new=$2
cd /root/debs || exit 1
export DEBIAN_FRONTEND=noninteractive
arch=$(dpkg --print-architecture)
check() {
	_n=$1; shift
	if "$@"; then echo "ok - $_n"; else echo "not ok - $_n"; fi
}
mainpid() { systemctl show -P MainPID cabatreed; }
# The orphan's record in the state: its CABA and how it is known.
record() { sed -n "s/^$orphan [0-9]* \([0-9]* [0-9]* [a-z]\).*/\1/p" /run/cabatree/state; }
continuing() { journalctl -u cabatreed -b --no-pager -o cat | grep -c "continuing from /run/cabatree/state"; }
inst() {
	apt-get install -y --no-install-recommends "$@" > /root/apt.log 2>&1 ||
		{ apt-get update && apt-get install -y --no-install-recommends "$@"; } > /root/apt.log 2>&1 ||
		cat /root/apt.log
}

inst ./cabatree_"$old"_"$arch".deb ./cabatreed_"$old"_"$arch".deb
check "install: cabatreed.service is enabled" systemctl is-enabled -q cabatreed
check "install: cabatreed.service is running" systemctl is-active -q cabatreed
pid=$(mainpid)
orphan=$(sh -c 'sleep 3600 > /dev/null 2>&1 & echo $!')
# Written within 50 ms of the fork; the fork's record comes first.
n=0
until [ -n "$(record)" ] || [ $n -gt 200 ]; do sleep 0.05; n=$((n + 1)); done
rec=$(record)
check "the state has a process started after it ($orphan: $rec)" [ -n "$rec" ]
echo "$(journalctl -u cabatreed -b --no-pager -o cat | head -n 3)"

for step in "reinstall:$old" "upgrade:$new"; do
	v=${step#*:}
	before=$(continuing)
	if [ "${step%%:*}" = reinstall ]; then
		inst --reinstall ./cabatree_"$v"_"$arch".deb ./cabatreed_"$v"_"$arch".deb
	else
		inst ./cabatree_"$v"_"$arch".deb ./cabatreed_"$v"_"$arch".deb
	fi
	check "${step%%:*} to $v: installed" [ "$(dpkg-query -W -f='${Version}' cabatreed)" = "$v" ]
	check "${step%%:*} to $v: the service was restarted (pid $pid, now $(mainpid))" \
		sh -c '[ "$(systemctl show -P MainPID cabatreed)" != "$1" ] && systemctl is-active -q cabatreed' sh "$pid"
	pid=$(mainpid)
	check "${step%%:*} to $v: it continued from its state file" [ "$(continuing)" -gt "$before" ]
	check "${step%%:*} to $v: the orphan's record is kept ($(record))" [ "$(record)" = "$rec" ]
done

apt-get remove -y cabatreed > /root/apt.log 2>&1
check "remove: the service is stopped" sh -c '! systemctl is-active -q cabatreed'
check "remove: /run/cabatree is removed" test ! -e /run/cabatree
files=$(dpkg -L cabatree | while IFS= read -r f; do [ -d "$f" ] || echo "$f"; done)
apt-get purge -y cabatree cabatreed > /root/apt.log 2>&1
left=
for f in $files; do [ ! -e "$f" ] || left="$left $f"; done
check "purge: no file of cabatree is left$left" [ -z "$left" ]
check "purge: nothing named cabatree in /etc, /lib, /usr, /var/lib, /run" \
	sh -c '[ -z "$(find /etc /lib /usr /var/lib /run -name "*cabatree*" 2> /dev/null)" ]'
kill "$orphan"
