# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the bench scripts (bash): messages and the helper programs.

build_dir=bench/.build

die()
{
	echo "bench: $*" >&2
	exit 1
}

# build_helpers PROG...: compile bench/PROG.c into $build_dir when stale.
build_helpers()
{
	local prog src bin

	mkdir -p "$build_dir" || die "cannot create $build_dir"
	for prog in "$@"; do
		src=bench/$prog.c
		bin=$build_dir/$prog
		if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
			cc -O2 -Wall -Wextra -Werror -o "$bin" "$src" ||
				die "building $bin failed"
		fi
	done
}

# kernel_idle NAME: stop unless no kernel build and no check-kernel runs:
# they share one kernel tree and build directory.
kernel_idle()
{
	if pgrep -fa "check-kernel.sh|make.*bzImage" > /dev/null; then
		echo "$1: a kernel build or check-kernel runs; try later:" >&2
		pgrep -fa "check-kernel.sh|make.*bzImage" >&2
		exit 1
	fi
}
