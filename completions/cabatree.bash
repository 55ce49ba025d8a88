# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for cabatree and cabatreed.
#
# The options are read from the program's own --help, once per shell and
# program, so that new options complete without a change here; only the
# values of some options are known here.  Process ids complete from
# /proc (or from the --proc-root given on the line): "-p 12<TAB>" by pid,
# "-p ssh<TAB>" by the name of the process.  Needs nothing from the
# bash-completion package.

# Per program (the command word as typed): the words to offer for "-"
# and, per option that takes a value, "req|opt META LONG".
declare -gA _cabatree_offers _cabatree_argspec

# _cabatree_load CMD: read CMD --help into the tables above, once.
_cabatree_load()
{
	local cmd=$1 line head item shorts longs kind meta long s
	local offers=

	[[ -n ${_cabatree_offers[$cmd]+set} ]] && return 0
	while IFS= read -r line; do
		# Option lines start with at most 8 spaces and a dash; the
		# option column ends at the first run of two spaces.
		[[ $line =~ ^\ {1,8}(-.*)$ ]] || continue
		head=${BASH_REMATCH[1]}
		head=${head%%  *}
		shorts=() longs=() kind= meta=
		while [[ -n $head ]]; do
			item=${head%%, *}
			if [[ $item == "$head" ]]; then
				head=
			else
				head=${head#*, }
			fi
			case $item in
			--*\[=*\])
				long=${item%%\[=*}
				meta=${item#*\[=}
				meta=${meta%\]}
				kind=opt
				longs+=("$long")
				offers+=" $long $long="
				;;
			--*=*)
				long=${item%%=*}
				meta=${item#*=}
				kind=req
				longs+=("$long")
				offers+=" $long="
				;;
			--*)
				longs+=("$item")
				offers+=" $item"
				;;
			-?\ *)
				shorts+=("${item:0:2}")
				meta=${item:3}
				kind=req
				offers+=" ${item:0:2}"
				;;
			-?)
				shorts+=("$item")
				offers+=" $item"
				;;
			esac
		done
		[[ -n $kind ]] || continue
		long=${longs[0]:-${shorts[0]-}}
		for s in "${longs[@]}"; do
			_cabatree_argspec["$cmd $s"]="$kind $meta $s"
		done
		for s in "${shorts[@]}"; do
			_cabatree_argspec["$cmd $s"]="$kind $meta $long"
		done
	done < <(unset ARGP_HELP_FMT; LC_ALL=C "$cmd" --help 2>/dev/null < /dev/null)
	[[ -n $offers ]] || return 1
	_cabatree_offers[$cmd]=$offers
}

# _cabatree_pids ROOT PREFIX: the pids under ROOT that start with PREFIX,
# or, if PREFIX is not a number, the pids of the processes whose name
# (comm) starts with it.
_cabatree_pids()
{
	local root=$1 want=$2 d pid comm byname=

	[[ $want == *[!0-9]* ]] && byname=1
	for d in "$root"/[1-9]*; do
		pid=${d##*/}
		[[ $pid == *[!0-9]* ]] && continue
		if [[ -z $byname ]]; then
			[[ $pid == "$want"* ]] && COMPREPLY+=("$pid")
			continue
		fi
		comm=
		{ IFS= read -r comm < "$d/comm"; } 2> /dev/null
		[[ -n $comm && $comm == "$want"* ]] && COMPREPLY+=("$pid")
	done
}

# _cabatree_value LONG META VALUE ROOT: the values of an option.
_cabatree_value()
{
	local long=$1 meta=$2 val=$3 root=$4 words=

	case $long in
	--color | --colour) words="auto always never" ;;
	--layout) words="auto side stacked" ;;
	--tree) words="real born both" ;;
	--ns-sort) words="ipc mnt net pid user uts cgroup time" ;;
	--backend) words="auto ebpf connector" ;;
	--pid) meta=PID ;;
	--proc-root) meta=DIR ;;
	--state | --load) meta=FILE ;;
	esac
	if [[ -n $words ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$val")
		return
	fi
	case $meta in
	PID)
		_cabatree_pids "$root" "$val"
		;;
	DIR)
		compopt -o filenames 2> /dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$val")
		;;
	FILE)
		compopt -o filenames 2> /dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$val")
		;;
	esac
}

_cabatree()
{
	local cword=$COMP_CWORD cur prev cmd spec opt= val= pre= root=/proc i w

	COMPREPLY=()
	cur=${COMP_WORDS[cword]}
	prev=
	((cword > 0)) && prev=${COMP_WORDS[cword - 1]}
	cmd=${COMP_WORDS[0]}
	cmd=${cmd/#\~/$HOME}
	_cabatree_load "$cmd" || return 0

	# A --proc-root earlier on the line is where the pids are.
	for ((i = 1; i < cword; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --proc-root=?* ]]; then
			root=${w#*=}
		elif [[ $w == --proc-root && ${COMP_WORDS[i + 1]-} == = ]]; then
			((i + 2 < cword)) && root=${COMP_WORDS[i + 2]}
		elif [[ $w == --proc-root ]] && ((i + 1 < cword)); then
			root=${COMP_WORDS[i + 1]-}
		fi
	done
	root=${root/#\~/$HOME}

	# Which option is given a value, in any of the forms
	# "--opt=VAL", "--opt" "=" "VAL" (with = in COMP_WORDBREAKS),
	# "--opt VAL", "-o VAL" and "-oVAL".
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		val=${cur#*=}
		pre=$opt=
	elif [[ $cur == = && $prev == --* ]]; then
		opt=$prev
	elif [[ $prev == = ]] && ((cword > 1)) && [[ ${COMP_WORDS[cword - 2]} == --* ]]; then
		opt=${COMP_WORDS[cword - 2]}
		val=$cur
	elif [[ -n $prev && ${_cabatree_argspec["$cmd $prev"]-} == req\ * ]]; then
		opt=$prev
		val=$cur
	elif [[ $cur == -[!-]?* && ${_cabatree_argspec["$cmd ${cur:0:2}"]-} == req\ * ]]; then
		opt=${cur:0:2}
		val=${cur:2}
		pre=$opt
	fi

	if [[ -n $opt ]]; then
		spec=${_cabatree_argspec["$cmd $opt"]-}
		[[ -n $spec ]] || return 0
		spec=${spec#* }
		_cabatree_value "${spec#* }" "${spec%% *}" "$val" "$root"
		if [[ -n $pre ]]; then
			COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		fi
		return 0
	fi

	mapfile -t COMPREPLY < <(compgen -W "${_cabatree_offers[$cmd]}" -- "$cur")
	if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2> /dev/null
	fi
	return 0
}

complete -F _cabatree cabatree cabatreed
