#!/usr/bin/env bash
# Thin replacement for Apache Kafka 3.6.1's kafka-console-consumer.sh (same main class).
set -u
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.ConsoleConsumer "$@"
