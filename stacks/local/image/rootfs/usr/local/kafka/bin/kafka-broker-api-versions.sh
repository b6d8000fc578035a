#!/usr/bin/env bash
# Thin replacement for Apache Kafka 3.6.1's kafka-broker-api-versions.sh (same main class).
set -u
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.BrokerApiVersionsCommand "$@"
