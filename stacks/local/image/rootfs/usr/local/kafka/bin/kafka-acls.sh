#!/usr/bin/env bash
# Thin replacement for Apache Kafka 3.6.1's kafka-acls.sh (same main class).
set -u
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.AclCommand "$@"
