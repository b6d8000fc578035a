#!/usr/bin/env bash
# Thin replacement for kafka-server-start.sh: kafka-server-start.sh [-daemon] server.properties [--override k=v]*
set -u
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
: "${KAFKA_HOME:=/usr/local/kafka}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$KAFKA_HOME/config/log4j.properties}"
# The broker's heap: KAFKA_HEAP_OPTS when set (Kafka's own override), else KAFKA_HEAP_MB from the
# node's configuration, which has no default (see /usr/local/lib/lab/node-var.sh).
if [ -z "${KAFKA_HEAP_OPTS:-}" ]; then
  . /usr/local/lib/lab/node-var.sh
  heap_mb="$(lab_node_var KAFKA_HEAP_MB)" || exit 2
  KAFKA_HEAP_OPTS="-Xmx${heap_mb}M -Xms${heap_mb}M"
fi
export KAFKA_HEAP_OPTS
export KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
EXTRA_ARGS=(-name kafkaServer)
if [ "${1:-}" = -daemon ]; then EXTRA_ARGS=(-daemon "${EXTRA_ARGS[@]}"); shift; fi
exec "$(dirname "$0")/kafka-run-class.sh" "${EXTRA_ARGS[@]}" kafka.Kafka "$@"
