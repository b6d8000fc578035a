#!/usr/bin/env bash
# supervisor program "kafka": KRaft combined broker+controller. Formats the log dir with the
# deployment's KAFKA_CLUSTER_ID on the first start only (a restart finds meta.properties).
set -euo pipefail
. /etc/lab/node.env
CONF=/usr/local/kafka/config/server.properties
mkdir -p /data/kafka
# What `kafka-storage.sh format` writes, without starting its JVM at every first start (5-6 s of
# CPU while the whole cluster starts on two cores): meta.properties names the node and the
# deployment; bootstrap.checkpoint (the metadata.version record, the same for every deployment) was
# written by the same tool when the image was built (cds/train-cds.sh).
if [ ! -s /data/kafka/meta.properties ]; then
  cp /usr/local/kafka/config/bootstrap.checkpoint /data/kafka/bootstrap.checkpoint
  printf 'cluster.id=%s\nversion=1\nnode.id=%s\n' "$KAFKA_CLUSTER_ID" "$KAFKA_NODE_ID" > /data/kafka/meta.properties.tmp
  mv /data/kafka/meta.properties.tmp /data/kafka/meta.properties
fi
# The broker maps the image's class-data archive (written at build, cds/train-cds.sh): a quicker
# start while the node's other JVMs start too.
KAFKA_OPTS="${KAFKA_OPTS:-} -XX:SharedArchiveFile=/usr/local/lib/lab/kafka-broker.jsa" /usr/local/kafka/bin/kafka-server-start.sh "$CONF" &
kafka_pid=$!

# On SIGTERM the broker part flushes its logs and writes .kafka_cleanshutdown within a second.
# Its KRaft controller then resigns and waits up to 5 s for the other voters to answer; when
# the whole lab stops, they are stopping too and never do. Once the logs are closed that wait
# protects nothing (the metadata log is flushed on every append), so it is cut short.
#
# Before that, the broker unregisters itself (tools/UnregisterBroker.java says why and how): without
# it its registration stays unfenced, and the restarted broker is refused for a whole
# broker.session.timeout.ms plus the retry back-off (DUPLICATE_BROKER_REGISTRATION): a restarted
# lab answered 6-8 s later. A broker stopped alone also hands its partitions over at once instead of
# after its session (its stop takes about 3 s more). A crash (SIGKILL) skips this, as it must.
unregister_broker() {
  local out
  out=$(CLASSPATH=/usr/local/lib/lab/classes KAFKA_HEAP_OPTS=-Xmx64m timeout 12 \
    /usr/local/kafka/bin/kafka-run-class.sh UnregisterBroker 127.0.0.1:19092 "$KAFKA_NODE_ID" "${LAB_KAFKA_STOP_LINGER_MS:-5000}" 2>&1) \
    || out="could not unregister (its next start waits for its old session): $(tail -n 1 <<< "$out")"
  echo "[run-kafka] $(tail -n 1 <<< "$out")" >&2
}
stopping=0
stop_kafka() {
  stopping=1
  kill -0 "$kafka_pid" 2>/dev/null || return 0
  unregister_broker
  kill -TERM "$kafka_pid" 2>/dev/null || return 0
  local waited=0
  while kill -0 "$kafka_pid" 2>/dev/null; do
    if [ -e /data/kafka/.kafka_cleanshutdown ] && [ "$waited" -ge 10 ]; then
      echo "[run-kafka] logs closed cleanly; not waiting for the controller quorum" >&2
      kill -KILL "$kafka_pid" 2>/dev/null || true
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}
trap stop_kafka TERM INT

status=0
# (wait's stderr: bash would print "Killed ..." for the JVM cut short above, which is no error)
wait "$kafka_pid" 2>/dev/null || status=$?
while kill -0 "$kafka_pid" 2>/dev/null; do wait "$kafka_pid" 2>/dev/null || status=$?; done
# A broker stopped on request has stopped cleanly, even when its controller's wait was cut short.
[ "$stopping" = 1 ] && exit 0
exit "$status"
