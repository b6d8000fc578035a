#!/usr/bin/env bash
# train-hadoop-cds.sh - run once, at image build (Dockerfile): writes the class-data archives (JDK 17
# dynamic archives) of the four Hadoop daemons, /usr/local/lib/lab/hadoop-<daemon>.jsa, which the
# daemons map at their start (lab-hadoop-env.sh: -XX:SharedArchiveFile).
#
# Why: a node's start is CPU-bound (ten JVMs at once on two cores), and after the C2 compiler and
# bytecode verification (both off for the daemons), loading and linking each daemon's 5,000-9,000
# classes is most of what is left; an archive holds them ready. The Kafka brokers and Spark drivers
# have theirs (train-cds.sh).
# How: a NameNode, DataNode, ResourceManager and NodeManager of this script's own (localhost, a
# configuration like the nodes', in a temporary directory, gone afterwards), started with the
# wrappers the nodes use, until the DataNode and the NodeManager have registered; each JVM writes
# the classes it loaded as it exits (SIGTERM: the daemon's clean stop, then the JVM's exit).
# The archive is tied to the class path, which lab-hadoop-env.sh keeps the same here and on the
# nodes (the jars, then the configuration directory: a directory can follow the archived jars).
# A JVM with another class path, or a missing archive, only loses that speed: it loads its classes
# as usual (-Xshare:auto).
set -euo pipefail
ARCHIVES=/usr/local/lib/lab
d="$(mktemp -d)"
cd "$d"
conf="$HADOOP_CONF_DIR"
mkdir -p "$conf"
trained=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$conf/core-site.xml" "$conf/hdfs-site.xml" "$conf/yarn-site.xml"
  rm -rf "$d"
}
pids=()
trap cleanup EXIT

site() { # site FILE < "name value" lines
  { echo '<?xml version="1.0"?><configuration>'
    while read -r name value; do [ -n "$name" ] && echo "<property><name>$name</name><value>$value</value></property>"; done
    echo '</configuration>'; } > "$conf/$1"
}
site core-site.xml <<EOF
fs.defaultFS hdfs://localhost:9000/
hadoop.tmp.dir $d/tmp
hadoop.http.staticuser.user root
EOF
site hdfs-site.xml <<EOF
dfs.replication 1
dfs.namenode.name.dir file://$d/namenode
dfs.datanode.data.dir file://$d/datanode
dfs.namenode.safemode.extension 0
dfs.namenode.datanode.registration.ip-hostname-check false
EOF
site yarn-site.xml <<EOF
yarn.resourcemanager.hostname localhost
yarn.nodemanager.hostname localhost
yarn.nodemanager.address localhost:45454
yarn.nodemanager.resource.memory-mb 2048
yarn.nodemanager.resource.cpu-vcores 2
yarn.nodemanager.vmem-check-enabled false
yarn.nodemanager.local-dirs $d/yarn/local
yarn.nodemanager.log-dirs $d/yarn/logs
yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage 99
yarn.nodemanager.aux-services mapreduce_shuffle
yarn.nodemanager.aux-services.mapreduce_shuffle.class org.apache.hadoop.mapred.ShuffleHandler
yarn.log-aggregation-enable true
yarn.nodemanager.remote-app-log-dir /tmp/logs
yarn.resourcemanager.nodemanagers.heartbeat-interval-ms 500
yarn.nodemanager.recovery.enabled true
yarn.nodemanager.recovery.supervised true
yarn.nodemanager.recovery.dir $d/yarn/recovery
EOF
export HADOOP_HEAPSIZE_MAX=256m HADOOP_LOG_DIR="$d/logs"

/usr/local/hadoop/bin/hdfs namenode -format -nonInteractive > "$d/format.log" 2>&1 || { tail -40 "$d/format.log"; exit 1; }
start() { # start NAME COMMAND...: the daemon as the node starts it, writing its archive at exit
  local name="$1"; shift
  HADOOP_OPTS="-XX:ArchiveClassesAtExit=$ARCHIVES/hadoop-$name.jsa" "$@" > "$d/$name.log" 2>&1 &
  pids+=("$!"); trained+=("$name")
}
start namenode /usr/local/hadoop/bin/hdfs namenode
start resourcemanager /usr/local/hadoop/bin/yarn resourcemanager
start datanode /usr/local/hadoop/bin/hdfs datanode
start nodemanager /usr/local/hadoop/bin/yarn nodemanager

# jmx URL BEAN FIELD: one numeric field of a daemon's JMX bean, or nothing yet.
jmx() { curl -fsS -m 3 "$1/jmx?qry=$2" 2>/dev/null | sed -n "s/.*\"$3\" *: *\([0-9]*\).*/\1/p" | head -1 || true; }
for i in $(seq 1200); do
  live=$(jmx http://localhost:9870 Hadoop:service=NameNode,name=FSNamesystemState NumLiveDataNodes)
  nms=$(jmx http://localhost:8088 Hadoop:service=ResourceManager,name=ClusterMetrics NumActiveNMs)
  [ "${live:-0}" -ge 1 ] && [ "${nms:-0}" -ge 1 ] && break
  for j in "${!pids[@]}"; do
    kill -0 "${pids[$j]}" 2>/dev/null || { echo "train-hadoop-cds.sh: ${trained[$j]} stopped"; tail -40 "$d/${trained[$j]}.log"; exit 1; }
  done
  [ "$i" -lt 1200 ] || { echo "train-hadoop-cds.sh: the DataNode or NodeManager never registered"; exit 1; }
  sleep 0.2
done
# A file written and read back through WebHDFS: the NameNode's and DataNode's write and read paths.
echo "lab" > "$d/sample.txt"
curl -fsS -L -X PUT -T "$d/sample.txt" "http://localhost:9870/webhdfs/v1/tmp/sample.txt?op=CREATE&user.name=root&overwrite=true" > /dev/null
[ "$(curl -fsS -L "http://localhost:9870/webhdfs/v1/tmp/sample.txt?op=OPEN&user.name=root")" = lab ]

# Workers first, as at a node's stop; each writes its archive as its JVM exits.
for j in 2 3 0 1; do kill -TERM "${pids[$j]}"; done
for j in "${!pids[@]}"; do wait "${pids[$j]}" || true; done
pids=()
for name in "${trained[@]}"; do
  [ -s "$ARCHIVES/hadoop-$name.jsa" ] || { echo "train-hadoop-cds.sh: $name wrote no archive"; tail -40 "$d/$name.log"; exit 1; }
done
echo "train-hadoop-cds.sh: $(du -cm "$ARCHIVES"/hadoop-*.jsa | tail -1 | cut -f1) MB of classes in $ARCHIVES/hadoop-{$(IFS=,; echo "${trained[*]}")}.jsa"
