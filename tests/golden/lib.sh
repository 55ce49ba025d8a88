# SPDX-License-Identifier: GPL-2.0-or-later
# Build fixture procfs trees in $PROC, in the kernel's own file formats.
#
# mkproc PID NAME PPID [key=value ...]
#   caba=N       NScaba: value (several levels: caba="40 3"); default PPID
#   caba=-       NScaba: - (born outside this pid namespace)
#   caba=        empty NScaba: (the same, as the first kernel series wrote it)
#   caba=none    no NScaba: line (kernel without CABA support)
#   tgid=N       Tgid: (a thread's directory when it differs from PID)
#   sid= pgid= uid= start= state= threads=   as in status/stat
#   cmdline=a|b|c  arguments, '|' separating them
#   nsdepth=N    ids at N pid-namespace levels (NSpid: PID PID ...)
#   kthread=1    a kernel thread (PF_KTHREAD in stat's flags, Kthread: 1)
#   ns=TYPE:INODE,...  links ns/TYPE -> TYPE:[INODE] (others: none)

mkproc() {
	_pid=$1 _name=$2 _ppid=$3
	shift 3
	_caba=$_ppid _tgid=$_pid _sid=$_pid _pgid=$_pid _uid=0 _start=$((_pid * 10))
	_state=S _threads=1 _cmdline="" _nsdepth=1 _kthread=0 _nslinks=
	for _kv in "$@"; do
		case $_kv in
		caba=*) _caba=${_kv#caba=} ;;
		tgid=*) _tgid=${_kv#tgid=} ;;
		sid=*) _sid=${_kv#sid=} ;;
		pgid=*) _pgid=${_kv#pgid=} ;;
		uid=*) _uid=${_kv#uid=} ;;
		start=*) _start=${_kv#start=} ;;
		state=*) _state=${_kv#state=} ;;
		threads=*) _threads=${_kv#threads=} ;;
		cmdline=*) _cmdline=${_kv#cmdline=} ;;
		nsdepth=*) _nsdepth=${_kv#nsdepth=} ;;
		kthread=*) _kthread=${_kv#kthread=} ;;
		ns=*) _nslinks=${_kv#ns=} ;;
		*) echo "mkproc: unknown $_kv" >&2; return 1 ;;
		esac
	done
	_d=$PROC/$_pid
	mkdir -p "$_d"
	# status escapes a name's backslash and newline; stat shows it raw.
	_sname=$(printf '%s' "$_name" | sed 's/\\/\\\\/g' |
		 awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')
	_ns() { _v=$1 _i=1 _out=$1; while [ $_i -lt "$_nsdepth" ]; do _out="$_out	$_v"; _i=$((_i + 1)); done; printf '%s' "$_out"; }
	{
		printf 'Name:\t%s\n' "$_sname"
		printf 'Umask:\t0022\nState:\t%s (sleeping)\n' "$_state"
		printf 'Tgid:\t%s\nNgid:\t0\nPid:\t%s\nPPid:\t%s\nTracerPid:\t0\n' "$_tgid" "$_pid" "$_ppid"
		printf 'Uid:\t%s\t%s\t%s\t%s\nGid:\t0\t0\t0\t0\n' "$_uid" "$_uid" "$_uid" "$_uid"
		printf 'FDSize:\t64\nGroups:\t \n'
		printf 'NStgid:\t%s\nNSpid:\t%s\n' "$(_ns "$_tgid")" "$(_ns "$_pid")"
		printf 'NSpgid:\t%s\nNSsid:\t%s\n' "$(_ns "$_pgid")" "$(_ns "$_sid")"
		case $_caba in
		none) ;;
		"") printf 'NScaba:\n' ;;
		*) printf 'NScaba:\t%s\n' "$(printf '%s' "$_caba" | tr ' ' '\t')" ;;
		esac
		printf 'Kthread:\t%s\nVmPeak:\t    2580 kB\nVmSize:\t    2580 kB\n' "$_kthread"
		printf 'Threads:\t%s\nSigQ:\t0/15415\nSeccomp:\t0\n' "$_threads"
		printf 'voluntary_ctxt_switches:\t3\nnonvoluntary_ctxt_switches:\t0\n'
	} > "$_d/status"
	# flags: PF_KTHREAD (0x200000) for a kernel thread.
	_flags=4194560
	[ "$_kthread" = 1 ] && _flags=2129984
	printf '%s (%s) %s %s %s %s 0 -1 %s 90 0 0 0 0 0 0 0 20 0 %s 0 %s 2641920 192 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n' \
		"$_pid" "$_name" "$_state" "$_ppid" "$_pgid" "$_sid" "$_flags" "$_threads" "$_start" > "$_d/stat"
	if [ -n "$_nslinks" ]; then
		mkdir -p "$_d/ns"
		for _l in $(printf '%s' "$_nslinks" | tr ',' ' '); do
			ln -s "${_l%%:*}:[${_l#*:}]" "$_d/ns/${_l%%:*}"
		done
	fi
	if [ -n "$_cmdline" ]; then
		printf '%s' "$_cmdline" | tr '|' '\0' > "$_d/cmdline"
		printf '\0' >> "$_d/cmdline"
	else
		: > "$_d/cmdline"
	fi
}

# mkthread PID TID NAME: a thread of PID, listed under PID/task.
mkthread() {
	mkdir -p "$PROC/$1/task/$2"
	printf '%s\n' "$3" > "$PROC/$1/task/$2/comm"
}
