#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The workload of tests/live/lineage-tracepoints.sh: real programs that
# daemonize, each the way it does. Usage: lineage-workload.sh DIR SOCKET.
# Each daemon's pid goes on a line of DIR/pids; "done" on stdout once all
# have started; then it waits for DIR/hold (a FIFO) to close, alive, so
# that it stays the first living process of every chain.
set -u
T=$1 sock=$2
exec 3< "$T/hold"
tmux -L "$sock" -f /dev/null new-session -d -s lineage "sleep 600"
tmux -L "$sock" display -p "#{pid}" >> "$T/pids"
start-stop-daemon --start --background --make-pidfile --pidfile "$T/ssd.pid" \
	--exec /bin/sleep -- 600
until [ -s "$T/ssd.pid" ]; do sleep 0.05; done
cat "$T/ssd.pid" >> "$T/pids"
setsid -f sh -c 'echo $$ >> "$0/pids"; exec sleep 600' "$T" < /dev/null > /dev/null 2>&1
# nohup in a shell's background job: nohup execs a shell that leaves one.
sh -c 'nohup sh -c '\''sleep 600 & echo $! >> "$0/pids"'\'' "$0" > /dev/null 2>&1 &' "$T"
eval "$(ssh-agent -s -a "$T/agent")" > /dev/null
echo "$SSH_AGENT_PID" >> "$T/pids"
# A plain double fork: a subshell leaves a job and ends, then its shell.
sh -c '( sleep 600 & echo $! >> "$0/pids" ); exit 0' "$T"
# Until every daemon wrote its pid (nohup's runs on its own).
until [ "$(wc -l < "$T/pids")" -ge 6 ]; do sleep 0.05; done
echo done
read -r _ <&3
