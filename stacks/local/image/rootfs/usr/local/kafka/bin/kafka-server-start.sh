#!/usr/bin/env bash
# Thin replacement for kafka-server-start.sh: kafka-server-start.sh [-daemon] server.properties [--override k=v]*
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2
  exit 1
fi
: "${KAFKA_HOME:=/usr/local/kafka}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$KAFKA_HOME/config/log4j.properties}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx${KAFKA_HEAP_MB:-384}M -Xms${KAFKA_HEAP_MB:-384}M}"
export KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
EXTRA_ARGS=(-name kafkaServer)
if [ "${1:-}" = -daemon ]; then EXTRA_ARGS=(-daemon "${EXTRA_ARGS[@]}"); shift; fi
exec "$(dirname "$0")/kafka-run-class.sh" "${EXTRA_ARGS[@]}" kafka.Kafka "$@"
