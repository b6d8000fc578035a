#!/usr/bin/env bash
# train-cds.sh - run once, at image build (Dockerfile): writes the class-data archives (AppCDS, JDK
# 17 dynamic archives) that the lab's Spark drivers (spark-defaults.conf) and Kafka brokers
# (run-kafka.sh) map at their start: -XX:SharedArchiveFile.
#
# Why: most of a JVM's start on two busy cores is loading, verifying and linking its classes (about
# 15,000 for a Spark driver with the Kafka source). An archive holds them ready; measured here,
# submit -> the word count's first micro-batch (1,000 lines waiting) took 11.8-13.4 s without and
# 6.3-8.0 s with it, the first micro-batch itself 5.2-5.7 s and 3.3-4.1 s.
# How: a single-node Kafka broker of this script's own (localhost, gone afterwards) and
# train-spark-cds.py, the word count's path once; each JVM writes the classes it loaded as it exits.
# A JVM whose class path differs (a --driver-class-path of the user's own) or a missing archive only
# costs that speed: the JVM warns and loads the classes as usual.
set -euo pipefail
DRIVER_ARCHIVE=/usr/local/lib/lab/spark-driver.jsa
BROKER_ARCHIVE=/usr/local/lib/lab/kafka-broker.jsa
here="$(cd "$(dirname "$0")" && pwd)"
d="$(mktemp -d)"
cd "$d"   # whatever the JVMs leave in their working directory goes with it
# On the drivers' class path at run time, where the node writes its configuration: empty here.
mkdir -p "$HADOOP_CONF_DIR"
cat > "$d/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:39093
listeners=PLAINTEXT://localhost:39092,CONTROLLER://localhost:39093
controller.listener.names=CONTROLLER
log.dirs=$d/kafka
num.partitions=2
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
CONF
java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '/usr/local/kafka/libs/*' kafka.tools.StorageTool format -t AAAAAAAAAAAAAAAAAAAAAA -c "$d/server.properties" > "$d/format.log" 2>&1
# The KRaft bootstrap.checkpoint (the metadata.version record) this format wrote is the same for
# every deployment: a node's first start copies it beside its own meta.properties instead of
# starting kafka-storage's JVM (run-kafka.sh).
cp "$d/kafka/bootstrap.checkpoint" /usr/local/kafka/config/bootstrap.checkpoint
# The broker as the nodes start it (the same script, JVM options and class path), its heap aside.
LOG_DIR="$d/logs" KAFKA_HEAP_OPTS="-Xmx256M -Xms256M" KAFKA_OPTS="-XX:ArchiveClassesAtExit=$BROKER_ARCHIVE" \
  /usr/local/kafka/bin/kafka-server-start.sh "$d/server.properties" > "$d/kafka.log" 2>&1 &
broker=$!
trap 'kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; rm -rf "$d"' EXIT
for _ in $(seq 600); do
  (exec 3<>/dev/tcp/localhost/39092) 2>/dev/null && break
  kill -0 "$broker" 2>/dev/null || { tail -40 "$d/kafka.log"; exit 1; }
  sleep 0.1
done
# The archive's own option replaces the drivers' extraJavaOptions (which name the archive to map);
# spark.driver.defaultJavaOptions (JIT, GC) stay, as they must: the archive is tied to them.
if ! spark-submit --master 'local[*]' --conf spark.sql.shuffle.partitions=2 --conf "spark.driver.extraJavaOptions=-XX:ArchiveClassesAtExit=$DRIVER_ARCHIVE" \
    "$here/train-spark-cds.py" localhost:39092 "file://$d/checkpoint" > "$d/spark.log" 2>&1; then
  tail -60 "$d/spark.log"
  exit 1
fi
[ -s "$DRIVER_ARCHIVE" ] || { echo "train-cds.sh: the driver wrote no archive"; tail -60 "$d/spark.log"; exit 1; }
# The broker writes its archive once stopped (SIGTERM: Kafka's clean shutdown, then the JVM's exit).
kill -TERM "$broker"
wait "$broker" || true
[ -s "$BROKER_ARCHIVE" ] || { echo "train-cds.sh: the broker wrote no archive"; tail -60 "$d/kafka.log"; exit 1; }
echo "train-cds.sh: $(du -m "$DRIVER_ARCHIVE" | cut -f1) MB of classes in $DRIVER_ARCHIVE, $(du -m "$BROKER_ARCHIVE" | cut -f1) MB in $BROKER_ARCHIVE"
