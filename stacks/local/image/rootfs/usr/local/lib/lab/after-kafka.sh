#!/usr/bin/env bash
# after-kafka.sh COMMAND ARGS... - runs a Hadoop daemon once this node's Kafka controller listens
# (port 19093), at the node's start only; then, and on any later restart by supervisor, at once.
# Why: a node starts ten JVMs at once on two cores, CPU-bound. Kafka started first elects its
# controller and holds the brokers' registrations through their session (when the lab restarts,
# the old ones expire only then) while the Hadoop daemons start: that wait overlaps their start
# instead of coming after it. At most LAB_KAFKA_FIRST_SECONDS (default 10) of waiting.
set -euo pipefail
marker=/run/lab-started-after-kafka
if [ ! -e "$marker" ]; then
  limit=$(( ${LAB_KAFKA_FIRST_SECONDS:-10} * 10 ))
  for ((i = 0; i < limit; i++)); do
    ss -Hltn 'sport = :19093' 2>/dev/null | grep -q . && break
    sleep 0.1
  done
  touch "$marker"
fi
exec "$@"
