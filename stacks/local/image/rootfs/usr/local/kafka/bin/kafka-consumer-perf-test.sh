#!/usr/bin/env bash
# Thin replacement for Apache Kafka 3.6.1's kafka-consumer-perf-test.sh: full JIT (C2) + G1 for throughput.
set -u
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512M}"
export KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true}"
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ConsumerPerformance "$@"
