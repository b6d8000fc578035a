#!/usr/bin/env bash
# Kept for the course lab's muscle memory (`./start-kafka-zookeeper.sh`). This image runs Kafka
# 3.6.1 in KRaft mode (no ZooKeeper): one broker+controller per node, started and supervised by
# supervisord at container start. This script starts nothing: it reports the brokers' status.
set -u
. /etc/profile.d/lab-env.sh
echo "Kafka (KRaft, no ZooKeeper) is already started and supervised by supervisord on every node;"
echo "nothing to start. Status:"
echo
echo "== $(hostname)"; supervisorctl status kafka
while read -r w; do
  [ -n "$w" ] || continue
  echo "== $w"; ssh -n -o BatchMode=yes -o ConnectTimeout=5 "$w" supervisorctl status kafka || echo "   (could not reach $w over ssh)"
done < "$HADOOP_CONF_DIR/workers"
echo
kafka-metadata-quorum.sh --bootstrap-server "$(hostname):19092" describe --status
echo
echo "localhost:9092 reaches every broker, inside any node as on the Docker host (the lab's programs work unchanged);"
echo "from the Docker host use the published EXTERNAL listeners (e.g. localhost:9092)."
