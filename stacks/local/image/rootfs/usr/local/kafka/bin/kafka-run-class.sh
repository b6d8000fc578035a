#!/usr/bin/env bash
# Thin replacement for Apache Kafka's kafka-run-class.sh (this image has the Maven Central jars
# in $KAFKA_HOME/libs, not the binary tarball).
#   kafka-run-class.sh [-daemon] [-name NAME] [-loggc] CLASS [args...]
# Honours KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR and CLASSPATH like the original.
# `localhost:9092` works as in the lab inside every node: each broker's host listener has the
# same port inside as on the host, and the other brokers' ports are forwarded on loopback.
set -eu
: "${JAVA_HOME:=/usr/lib/jvm/java-17-openjdk}"
: "${KAFKA_HOME:=/usr/local/kafka}"
: "${LOG_DIR:=/data/logs/kafka}"

if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]" >&2
  exit 1
fi

DAEMON_MODE=false
DAEMON_NAME=""
while [ $# -gt 0 ]; do
  case "$1" in
    -name)   [ $# -ge 2 ] || { echo "$0: -name needs a value" >&2; exit 1; }; DAEMON_NAME="$2"; shift 2 ;;
    -loggc)  shift ;;
    -daemon) DAEMON_MODE=true; shift ;;
    *)       break ;;
  esac
done
CLASS="$1"; shift

CLASSPATH="$KAFKA_HOME/libs/*${CLASSPATH:+:$CLASSPATH}"
mkdir -p "$LOG_DIR" 2>/dev/null || true
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
# Tools: C1 only + serial GC start much faster; kafka-server-start.sh sets G1 for the broker.
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j.configuration=file:$KAFKA_HOME/config/tools-log4j.properties}"
KAFKA_LOG4J_OPTS="-Dkafka.logs.dir=$LOG_DIR $KAFKA_LOG4J_OPTS"

# The *_OPTS strings split on blanks and newlines, explicitly and without glob expansion (the
# original relies on unquoted expansion for the same split). -d '' reads the whole string; read
# then reports end of input, which is expected.
read -r -d '' -a JVM_OPTS <<< "$KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_GC_LOG_OPTS:-} ${KAFKA_JMX_OPTS:-} $KAFKA_LOG4J_OPTS" || true
read -r -d '' -a EXTRA_OPTS <<< "${KAFKA_OPTS:-}" || true
COMMAND=("$JAVA_HOME/bin/java" "${JVM_OPTS[@]}" -cp "$CLASSPATH" "${EXTRA_OPTS[@]}" "$CLASS" "$@")
if [ "$DAEMON_MODE" = true ]; then
  nohup "${COMMAND[@]}" > "$LOG_DIR/${DAEMON_NAME:-kafka}.out" 2>&1 < /dev/null &
else
  exec "${COMMAND[@]}"
fi
