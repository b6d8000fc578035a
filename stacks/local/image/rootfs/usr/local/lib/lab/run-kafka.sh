#!/usr/bin/env bash
# supervisor program "kafka": KRaft combined broker+controller. Formats the log dir with the
# deployment's KAFKA_CLUSTER_ID; --ignore-formatted makes it a no-op after the first start.
set -euo pipefail
. /etc/lab/node.env
CONF=/usr/local/kafka/config/server.properties
mkdir -p /data/kafka
/usr/local/kafka/bin/kafka-storage.sh format -t "$KAFKA_CLUSTER_ID" -c "$CONF" --ignore-formatted
exec /usr/local/kafka/bin/kafka-server-start.sh "$CONF"
