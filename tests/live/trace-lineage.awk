# SPDX-License-Identifier: GPL-2.0-or-later
# The lineage of processes as the kernel's own tracepoints tell it, for
# tests/live/lineage-tracepoints.sh. Input: the text of tracefs's trace
# files, the events task_newtask, sched_process_fork, sched_process_exec,
# sched_process_exit and sched_process_free, merged in time order. A
# process is a thread group; each holder of a pid is its own process (a
# generation). Its creator is the process whose thread forked it (not its
# parent: CLONE_PARENT and reparenting change that, not who created it);
# it is released once its leader is freed; its name is its comm when
# freed, else /proc's (read by the caller, not here).
#
# Variables: root, the pid of the workload's first process (alive
# throughout). Output, one line for each process not released that
# descends from root, and root itself excluded:
#
#   PID PID:NAME PID:NAME ... > CABA
#
# (the released ancestors nearest first, names encoded as the state file
# does), or "PID ... > ?" if the chain leaves the trace. Processes that
# exited and are not yet released (zombies, or released and not yet
# freed) are left out, counted on a last line "pending N".

BEGIN {
	for (i = 1; i < 256; i++)
		ord[sprintf("%c", i)] = i
}

function enc(s,    r, i, c) {
	if (s == "")
		return "-"
	r = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c ~ /[!-~]/ && c != "%")
			r = r c
		else
			r = r sprintf("%%%02X", ord[c])
	}
	return r == "-" ? "%2D" : r
}

function key(p) {
	return p "." (p in gen ? gen[p] : 0)
}

# Bit CLONE_THREAD (0x10000) of a hexadecimal number.
function is_thread(hex,    d) {
	sub(/^0x/, "", hex)
	if (length(hex) < 5)
		return 0
	d = substr(hex, length(hex) - 4, 1)
	return index("13579bdfBDF", d) > 0
}

# The text between "NAME=" and the next " NEXT=" (or the end), from the
# event's fields f: comms may hold spaces.
function field(f, name, next_,    s, e) {
	s = index(f, name "=")
	if (!s)
		return ""
	f = substr(f, s + length(name) + 1)
	if (next_ == "")
		return f
	e = index(f, " " next_ "=")
	return e ? substr(f, 1, e - 1) : f
}

{
	if (!match($0, / (task_newtask|sched_process_(fork|exec|exit|free)): /))
		next
	ev = substr($0, RSTART + 1, RLENGTH - 3)
	f = substr($0, RSTART + RLENGTH)
}

ev == "task_newtask" {
	flags[field(f, "pid", "comm") + 0] = field(f, "clone_flags", "oom_score_adj")
	next
}

ev == "sched_process_fork" {
	t = field(f, "pid", "child_comm") + 0
	c = field(f, "child_pid", "") + 0
	cp = t in tgid ? tgid[t] : t
	if (is_thread(flags[c])) {
		tgid[c] = cp
		next
	}
	tgid[c] = c
	gen[c]++
	k = key(c)
	creator[k] = key(cp)
	born[k] = 1
	order[++n] = k
	delete freed[k]
	next
}

ev == "sched_process_exit" {
	t = field(f, "pid", "prio") + 0
	if (field(f, "group_dead", "") == "true")
		exited[key(t in tgid ? tgid[t] : t)] = 1
	next
}

ev == "sched_process_free" {
	t = field(f, "pid", "prio") + 0
	if (t in tgid && tgid[t] != t)
		next		# a thread, not a leader
	k = key(t)
	freed[k] = 1
	name[k] = field(f, "comm", "pid")
	next
}

END {
	rk = key(root)
	pending = 0
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (k in freed || k == rk)
			continue
		# Only root's descendants.
		c = creator[k]
		for (j = 0; j < 100000 && c != rk && (c in creator); j++)
			c = creator[c]
		if (c != rk)
			continue
		if (k in exited) {
			pending++
			continue
		}
		s = ""
		c = creator[k]
		while (c in freed) {
			split(c, a, ".")
			s = s a[1] ":" enc(name[c]) " "
			c = creator[c]
		}
		split(c, a, ".")
		split(k, b, ".")
		print b[1], s "> " ((c in born) || c == rk ? a[1] : "?")
	}
	if (pending)
		print "pending", pending
}
