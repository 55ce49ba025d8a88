#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build cabatree on Debian 12 and run it (./build.sh run) or its tests
# (./build.sh check). Installs what is missing, reuses what is built.
set -eu

cd "$(dirname "$0")"
top=$(pwd)
builddir=${BUILDDIR:-$top/build}

deps="autoconf automake autopoint gettext make gcc pkg-config libc6-dev
libjson-c-dev libncurses-dev libcmocka-dev libproc2-dev psmisc procps jq tmux
clang libbpf-dev bpftool zsh libclang-rt-dev"
# Graphviz lays out cabatree --dot in tests/golden/graphviz.sh.
deps="$deps graphviz"
# tests/install/unit.sh: systemd-analyze checks cabatreed's unit, strace its system calls.
deps="$deps systemd strace"
# tests/docs/manlint.sh: the manual pages through mandoc's and groff's checks.
deps="$deps mandoc groff-base"
# tests/live/lineage-tracepoints.sh: ssh-agent among the daemonizing programs.
deps="$deps openssh-client"

install_deps() {
	missing=""
	for p in $deps; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "build.sh: installing:$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "build.sh: run as root, or install these packages first:$missing" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing ||
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; }
}

configure_and_build() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		autoreconf -fi
	fi
	mkdir -p "$builddir"
	if [ ! -f "$builddir/Makefile" ] || [ configure -nt "$builddir/config.status" ]; then
		(cd "$builddir" && "$top/configure" --enable-werror ${CONFIGURE_FLAGS:-})
	fi
	# shellcheck disable=SC2086
	make -C "$builddir" -j"$(nproc)" $make_quiet
}
make_quiet=

case "${1:-}" in
run)
	install_deps
	# Only what was rebuilt, if anything, and on standard error: standard
	# output is cabatree's alone ("./build.sh run --json | jq").
	make_quiet="-s --no-print-directory"
	configure_and_build >&2
	shift
	# Without options: the demo, which needs root; else the trees of now.
	if [ $# = 0 ] && [ "$(id -u)" = 0 ]; then
		exec "$builddir/src/cabatree" --demo
	fi
	exec "$builddir/src/cabatree" "$@"
	;;
check)
	install_deps
	configure_and_build
	st=0
	make -C "$builddir" -j"$(nproc)" check VERBOSE=1 || st=$?
	log="$builddir/test-suite.log"
	if [ -f "$log" ]; then
		n() { sed -n "s/^# $1: *//p" "$log" | head -n 1; }
		echo "check: $(n PASS) passed, $(($(n FAIL) + $(n ERROR) + $(n XPASS))) failed, $(n SKIP) skipped"
	fi
	exit $st
	;;
deps)
	install_deps
	;;
deb)
	# The Debian packages, built from a copy of the committed tree (the
	# working tree stays as it is) into $builddir/deb.
	if [ "$(id -u)" != 0 ]; then
		echo "build.sh: run as root, to install the build dependencies" \
			"(apt-get build-dep ./), then dpkg-buildpackage -us -uc -b in a copy" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	command -v dh > /dev/null ||
		apt-get install -y --no-install-recommends debhelper ||
		{ apt-get update && apt-get install -y --no-install-recommends debhelper; }
	apt-get build-dep -y "$top"
	out=$builddir/deb
	rm -rf "$out"
	mkdir -p "$out/cabatree"
	git -C "$top" archive HEAD | tar -x -C "$out/cabatree"
	(cd "$out/cabatree" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)} \
		dpkg-buildpackage -us -uc -b)
	rm -rf "$out/cabatree"
	echo "build.sh: install them with: apt-get install" "$out"/cabatree_*.deb "$out"/cabatreed_*.deb
	;;
*)
	echo "usage: $0 run [CABATREE-OPTIONS] | check | deps | deb" >&2
	exit 2
	;;
esac
