#!/usr/bin/env bash
# entrypoint.sh - PID 1 bootstrap of a kafka-spark-lab node (Hadoop 3.3.6 + Kafka 3.6.1 KRaft +
# Spark 3.5.0). One image for every node, configured ONLY by its environment. The contract (every
# variable, its meaning, which are required on which node) has one owner, NODE_ENV in the project's
# stacks/local/topology.ts, rendered in docs/node-image.md with the ports, volumes and state; the
# project's tests/imageContract.test.ts checks this script's required lists and ports against it.
# A missing or malformed required variable stops the container at start (exit 2), naming each.
#
# `docker run IMAGE` (default CMD supervisord) configures the node and execs supervisord as
# PID 1; `docker run IMAGE some-command args` runs that command instead (e.g.
# `kafka-storage.sh random-uuid`).
set -euo pipefail

log() { echo "[entrypoint] $*" >&2; }
die() { echo "[entrypoint] ERROR: $*" >&2; exit 2; }

if [ "${1:-supervisord}" != supervisord ]; then
  exec "$@"
fi

# ------------------------------------------------------------------ inputs
NODE_ROLE="${NODE_ROLE:-}"
case "$NODE_ROLE" in
  master) role_required=(NAMENODE_HEAP_MB RESOURCEMANAGER_HEAP_MB) ;;
  worker) role_required=(DATANODE_HEAP_MB NODEMANAGER_HEAP_MB) ;;
  *) die "NODE_ROLE must be 'master' or 'worker' (got '${NODE_ROLE}'). every variable this image needs is in the project's docs/node-image.md; its topology (stacks/local/topology.ts) sets them all" ;;
esac
# KAFKA_PEER_FORWARDS may be empty, but must be set: an absent one is a topology that forgot it.
missing=()
for n in MASTER_HOST WORKER_HOSTS HDFS_REPLICATION KAFKA_NODE_ID KAFKA_CLUSTER_ID KAFKA_CONTROLLER_QUORUM_VOTERS \
         KAFKA_EXTERNAL_PORT KAFKA_EXTERNAL_ADVERTISED KAFKA_BROKER_COUNT KAFKA_HEAP_MB \
         YARN_NODEMANAGER_MEMORY_MB YARN_NODEMANAGER_VCORES "${role_required[@]}"; do
  [ -n "${!n:-}" ] || missing+=("$n")
done
[ -n "${KAFKA_PEER_FORWARDS+set}" ] || missing+=("KAFKA_PEER_FORWARDS")
if [ ${#missing[@]} -gt 0 ]; then
  die "missing required variable(s) for a $NODE_ROLE node: ${missing[*]}. The image has no defaults for the cluster's shape, sizes or ports: set each of them (meanings in the project's docs/node-image.md), or start the nodes from the project's topology (pulumi up, or stacks/local/docker-compose.yml), which sets them all"
fi
HOSTNAME_NOW="$(hostname)"

IFS=',' read -r -a WORKERS <<< "$WORKER_HOSTS"
IFS=',' read -r -a VOTERS <<< "$KAFKA_CONTROLLER_QUORUM_VOTERS"
for n in HDFS_REPLICATION KAFKA_HEAP_MB YARN_NODEMANAGER_MEMORY_MB YARN_NODEMANAGER_VCORES KAFKA_NODE_ID \
         KAFKA_BROKER_COUNT KAFKA_EXTERNAL_PORT "${role_required[@]}"; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || die "$n must be a non-negative integer (got '${!n}')"
done
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
RF_DEFAULT="$(min 3 "$KAFKA_BROKER_COUNT")"
TXN_MIN_ISR="$(min 2 "$KAFKA_BROKER_COUNT")"
KAFKA_DEFAULT_REPLICATION_FACTOR="${KAFKA_DEFAULT_REPLICATION_FACTOR:-$RF_DEFAULT}"
KAFKA_MIN_INSYNC_REPLICAS="${KAFKA_MIN_INSYNC_REPLICAS:-1}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-1}"
LAB_SSH_KEY_WAIT_SECONDS="${LAB_SSH_KEY_WAIT_SECONDS:-120}"
for n in KAFKA_DEFAULT_REPLICATION_FACTOR KAFKA_MIN_INSYNC_REPLICAS KAFKA_NUM_PARTITIONS LAB_SSH_KEY_WAIT_SECONDS; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || die "$n must be a non-negative integer (got '${!n}')"
done
[[ "$KAFKA_CLUSTER_ID" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "KAFKA_CLUSTER_ID must be a 22-character base64url UUID (kafka-storage.sh random-uuid), got '$KAFKA_CLUSTER_ID'"
[[ "$KAFKA_EXTERNAL_ADVERTISED" =~ ^[^:]+:[0-9]+$ ]] || die "KAFKA_EXTERNAL_ADVERTISED must be host:port (got '$KAFKA_EXTERNAL_ADVERTISED')"
[ "${KAFKA_EXTERNAL_ADVERTISED##*:}" = "$KAFKA_EXTERNAL_PORT" ] || die "KAFKA_EXTERNAL_ADVERTISED ($KAFKA_EXTERNAL_ADVERTISED) must use KAFKA_EXTERNAL_PORT ($KAFKA_EXTERNAL_PORT): the host listener has the same port inside the container as on the host"
me_in_voters=""
for v in "${VOTERS[@]}"; do
  if [ "$v" = "$KAFKA_NODE_ID@$HOSTNAME_NOW:19093" ]; then me_in_voters=yes; fi
done
[ -n "$me_in_voters" ] || die "KAFKA_CONTROLLER_QUORUM_VOTERS ($KAFKA_CONTROLLER_QUORUM_VOTERS) must list this node as $KAFKA_NODE_ID@$HOSTNAME_NOW:19093 (KAFKA_NODE_ID@hostname; run the container with --hostname equal to its name)"
[ "$KAFKA_BROKER_COUNT" = "${#VOTERS[@]}" ] || die "KAFKA_BROKER_COUNT ($KAFKA_BROKER_COUNT) must be the number of voters in KAFKA_CONTROLLER_QUORUM_VOTERS (${#VOTERS[@]}): every node is a broker and a controller"
if [ "$NODE_ROLE" = master ] && [ "$HOSTNAME_NOW" != "$MASTER_HOST" ]; then
  log "WARNING: NODE_ROLE=master but hostname '$HOSTNAME_NOW' != MASTER_HOST '$MASTER_HOST'"
fi

# ------------------------------------------------------------------ resolved env for other scripts
mkdir -p /etc/lab /data/hdfs /data/kafka /data/yarn/local /data/yarn/logs /data/ssh /data/tmp \
         /data/logs/hadoop /data/logs/kafka /data/logs/supervisor
# All daemons run as root (course lab behaviour, see header).
# Each value written with %q, so a value with spaces or shell characters is read back as it was.
{
  echo "# Written by entrypoint.sh at container start: the resolved node configuration."
  for n in NODE_ROLE MASTER_HOST WORKER_HOSTS HDFS_REPLICATION KAFKA_NODE_ID KAFKA_CLUSTER_ID \
           KAFKA_CONTROLLER_QUORUM_VOTERS KAFKA_EXTERNAL_ADVERTISED KAFKA_BROKER_COUNT KAFKA_HEAP_MB \
           YARN_NODEMANAGER_MEMORY_MB YARN_NODEMANAGER_VCORES LAB_SSH_KEY_WAIT_SECONDS "${role_required[@]}"; do
    printf '%s=%q\n' "$n" "${!n}"
  done
  [ -n "${JUPYTER_PORT:-}" ] && printf 'JUPYTER_PORT=%q\n' "$JUPYTER_PORT"
  for n in HDFS_NAMENODE_USER HDFS_DATANODE_USER HDFS_SECONDARYNAMENODE_USER YARN_RESOURCEMANAGER_USER YARN_NODEMANAGER_USER; do
    printf '%s=root\n' "$n"
  done
} > /etc/lab/node.env
set -a; . /etc/lab/node.env; set +a

# ------------------------------------------------------------------ Hadoop configuration
. /usr/local/hadoop/libexec/lab-hadoop-env.sh   # JAVA_HOME, HADOOP_CONF_DIR, LAB_JAVA17_OPTS
CONF="${HADOOP_CONF_DIR:-/usr/local/hadoop/etc/hadoop}"
mkdir -p "$CONF"
xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&apos;/g"; }
prop() { printf '  <property><name>%s</name><value>%s</value></property>\n' "$(xml_escape "$1")" "$(xml_escape "$2")"; }
xml() { # xml FILE < "name value" lines
  local file="$1" name value
  { echo '<?xml version="1.0"?>'
    echo "<!-- generated by entrypoint.sh at container start from the environment; do not edit -->"
    echo '<configuration>'
    while read -r name value; do [ -n "$name" ] && prop "$name" "$value"; done
    echo '</configuration>'; } > "$CONF/$file"
}
HADOOP_CP="$CONF,/usr/local/hadoop/share/hadoop/lib/*"
xml core-site.xml <<EOF
fs.defaultFS hdfs://$MASTER_HOST:9000/
hadoop.tmp.dir /data/tmp/hadoop-\${user.name}
hadoop.http.staticuser.user root
hadoop.proxyuser.root.hosts *
hadoop.proxyuser.root.groups *
EOF
xml hdfs-site.xml <<EOF
dfs.replication $HDFS_REPLICATION
dfs.namenode.name.dir file:///data/hdfs/namenode
dfs.datanode.data.dir file:///data/hdfs/datanode
dfs.namenode.rpc-bind-host 0.0.0.0
dfs.namenode.servicerpc-bind-host 0.0.0.0
dfs.namenode.http-bind-host 0.0.0.0
dfs.namenode.http-address 0.0.0.0:9870
dfs.datanode.http.address 0.0.0.0:9864
dfs.namenode.datanode.registration.ip-hostname-check false
dfs.namenode.safemode.extension 5000
dfs.permissions.superusergroup root
EOF
# NodeManager recovery, supervised: the NodeManager runs under supervisord, so when it stops it
# keeps its state in /data/yarn/recovery instead of unregistering from the ResourceManager. That
# unregistering is what made a worker's stop take 30 s when the master stopped at the same time.
xml yarn-site.xml <<EOF
yarn.resourcemanager.hostname $MASTER_HOST
yarn.resourcemanager.bind-host 0.0.0.0
yarn.nodemanager.bind-host 0.0.0.0
yarn.nodemanager.hostname $HOSTNAME_NOW
yarn.nodemanager.address \${yarn.nodemanager.hostname}:45454
yarn.nodemanager.resource.memory-mb $YARN_NODEMANAGER_MEMORY_MB
yarn.nodemanager.resource.cpu-vcores $YARN_NODEMANAGER_VCORES
yarn.scheduler.minimum-allocation-mb 256
yarn.scheduler.maximum-allocation-mb $YARN_NODEMANAGER_MEMORY_MB
yarn.scheduler.maximum-allocation-vcores $YARN_NODEMANAGER_VCORES
yarn.nodemanager.vmem-check-enabled false
yarn.nodemanager.local-dirs /data/yarn/local
yarn.nodemanager.log-dirs /data/yarn/logs
yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage 99
yarn.nodemanager.aux-services mapreduce_shuffle
yarn.nodemanager.aux-services.mapreduce_shuffle.class org.apache.hadoop.mapred.ShuffleHandler
yarn.nodemanager.env-whitelist JAVA_HOME,HADOOP_COMMON_HOME,HADOOP_HDFS_HOME,HADOOP_CONF_DIR,CLASSPATH_PREPEND_DISTCACHE,HADOOP_YARN_HOME,HADOOP_HOME,PATH,LANG,TZ,HADOOP_MAPRED_HOME,SPARK_HOME,PYSPARK_PYTHON
yarn.application.classpath $HADOOP_CP
yarn.log-aggregation-enable true
yarn.log-aggregation.retain-seconds 604800
yarn.nodemanager.remote-app-log-dir /tmp/logs
yarn.resourcemanager.nodemanagers.heartbeat-interval-ms 500
yarn.nodemanager.recovery.enabled true
yarn.nodemanager.recovery.supervised true
yarn.nodemanager.recovery.dir /data/yarn/recovery
EOF
# One line (the options are joined with spaces in lab-hadoop-env.sh): the xml helper reads "name value" lines.
J17="$LAB_JAVA17_OPTS"
xml mapred-site.xml <<EOF
mapreduce.framework.name yarn
mapreduce.application.classpath $HADOOP_CP
yarn.app.mapreduce.am.env HADOOP_MAPRED_HOME=/usr/local/hadoop
mapreduce.map.env HADOOP_MAPRED_HOME=/usr/local/hadoop
mapreduce.reduce.env HADOOP_MAPRED_HOME=/usr/local/hadoop
yarn.app.mapreduce.am.resource.mb 768
yarn.app.mapreduce.am.command-opts -Xmx512m $J17
mapreduce.map.memory.mb 512
mapreduce.reduce.memory.mb 512
mapreduce.map.java.opts -Xmx400m $J17
mapreduce.reduce.java.opts -Xmx400m $J17
mapreduce.jobhistory.address $MASTER_HOST:10020
mapreduce.jobhistory.webapp.address $MASTER_HOST:19888
EOF
printf '%s\n' "${WORKERS[@]}" > "$CONF/workers"

# ------------------------------------------------------------------ Kafka configuration (KRaft)
cat > /usr/local/kafka/config/server.properties <<EOF
# generated by entrypoint.sh at container start from the environment; do not edit
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
# INTERNAL: between brokers and for clients inside the Docker network ($HOSTNAME_NOW:19092)
# EXTERNAL: the same port inside as published on the Docker host, advertised as localhost:<port>
listeners=INTERNAL://0.0.0.0:19092,EXTERNAL://0.0.0.0:$KAFKA_EXTERNAL_PORT,CONTROLLER://0.0.0.0:19093
advertised.listeners=INTERNAL://$HOSTNAME_NOW:19092,EXTERNAL://$KAFKA_EXTERNAL_ADVERTISED
listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
log.dirs=/data/kafka
num.partitions=$KAFKA_NUM_PARTITIONS
default.replication.factor=$KAFKA_DEFAULT_REPLICATION_FACTOR
min.insync.replicas=$KAFKA_MIN_INSYNC_REPLICAS
offsets.topic.replication.factor=$RF_DEFAULT
transaction.state.log.replication.factor=$RF_DEFAULT
transaction.state.log.min.isr=$TXN_MIN_ISR
# same as HDInsight: topics must be created explicitly
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=268435456
# Off: every node is a KRaft voter, and when the nodes stop together (teardown, docker stop of
# the lab) the last broker's controlled shutdown needs a quorum that is already gone, so it
# hangs until it is killed (60 s) and its logs are not closed cleanly. Without it a broker
# flushes its logs and stops in under a second; a single broker stopped alone hands its
# partitions over after broker.session.timeout.ms instead of at once.
controlled.shutdown.enable=false
# The session stays at Kafka's 9 s. With 4 s, and topics at min ISR 1, a CI run lost 167 of 60,000
# acknowledged records across a broker stop (likely a broker fenced while merely slow, acknowledging
# alone); topics now get min ISR 2 (jobs/kafka/topics.ts). 5 s was tried again for a quicker restart (the
# old registrations of a restarted lab are held for one session): no quicker once Kafka starts
# before the Hadoop daemons (after-kafka.sh), and one CI restart took 95 s. Heartbeats every second
# instead of two make a false expiry less likely on a busy 2-core machine.
broker.heartbeat.interval.ms=1000
EOF

# Random per-container secret for the Hadoop web UIs' auth cookies (default path; avoids the
# "Unable to initialize FileSignerSecretProvider" warning). Never in the image.
[ -s /root/hadoop-http-auth-signature-secret ] || { head -c 32 /dev/urandom | base64 > /root/hadoop-http-auth-signature-secret; chmod 600 /root/hadoop-http-auth-signature-secret; }

# ------------------------------------------------------------------ SSH
# Host keys: per container, generated at first start, kept in /data/ssh (never in the image).
for t in ed25519 rsa; do
  if [ ! -s "/data/ssh/ssh_host_${t}_key" ]; then
    log "generating ssh host key ($t) in /data/ssh"
    rm -f "/data/ssh/ssh_host_${t}_key" "/data/ssh/ssh_host_${t}_key.pub"
    ssh-keygen -q -t "$t" -N '' -C "root@$HOSTNAME_NOW" -f "/data/ssh/ssh_host_${t}_key"
  fi
done
chmod 600 /data/ssh/ssh_host_*_key
# Cluster key: per deployment, created by the master in the shared volume /etc/lab-ssh.
mkdir -p /etc/lab-ssh
if [ "$NODE_ROLE" = master ] && [ ! -s /etc/lab-ssh/authorized_keys ]; then
  log "generating the cluster ssh key pair in /etc/lab-ssh"
  tmp="$(mktemp -d /etc/lab-ssh/.tmp-XXXXXX)"
  ssh-keygen -q -t ed25519 -N '' -C "kafka-spark-lab-cluster" -f "$tmp/id_ed25519"
  chmod 600 "$tmp/id_ed25519"
  mv -f "$tmp/id_ed25519" /etc/lab-ssh/id_ed25519
  mv -f "$tmp/id_ed25519.pub" /etc/lab-ssh/id_ed25519.pub
  cp /etc/lab-ssh/id_ed25519.pub "$tmp/authorized_keys"
  chmod 644 "$tmp/authorized_keys"
  mv -f "$tmp/authorized_keys" /etc/lab-ssh/authorized_keys   # written last: the "ready" marker
  rmdir "$tmp"
fi
chmod 755 /etc/lab-ssh 2>/dev/null || true
# Extra keys for root from SSH_AUTHORIZED_KEYS (rewritten at every start).
mkdir -p /root/.ssh && chmod 700 /root/.ssh
printf '%s\n' "${SSH_AUTHORIZED_KEYS:-}" | sed '/^[[:space:]]*$/d' > /root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
[ -s /root/.ssh/authorized_keys ] && log "$(wc -l < /root/.ssh/authorized_keys) key(s) from SSH_AUTHORIZED_KEYS authorized for root"

# ------------------------------------------------------------------ supervisor programs
mkdir -p /etc/supervisor/conf.d
rm -f /etc/supervisor/conf.d/*.conf
# A container start is a node start: its Hadoop daemons wait for Kafka once more (after-kafka.sh).
rm -f /run/lab-started-after-kafka
if [ "$NODE_ROLE" = master ]; then progs=(sshd namenode resourcemanager kafka); else progs=(sshd datanode nodemanager kafka); fi
# JupyterLab where the topology gives it a port (the master).
[ -n "${JUPYTER_PORT:-}" ] && progs+=(jupyter)
for p in "${progs[@]}"; do ln -s "/etc/supervisor/available/$p.conf" "/etc/supervisor/conf.d/$p.conf"; done
# The other brokers' host-listener ports on this node's loopback (see KAFKA_PEER_FORWARDS).
IFS=',' read -r -a forwards <<< "$KAFKA_PEER_FORWARDS"
for f in "${forwards[@]}"; do
  [ -n "$f" ] || continue
  port="${f%%=*}"; target="${f#*=}"
  cat > "/etc/supervisor/conf.d/kafka-forward-$port.conf" <<EOF
[program:kafka-forward-$port]
command=/usr/bin/socat TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr TCP:$target
autostart=true
autorestart=true
startsecs=1
startretries=1000
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
EOF
  progs+=("kafka-forward-$port")
done

log "node $HOSTNAME_NOW: role=$NODE_ROLE programs=[${progs[*]}] kafka.node.id=$KAFKA_NODE_ID voters=$KAFKA_CONTROLLER_QUORUM_VOTERS external=$KAFKA_EXTERNAL_ADVERTISED"
# Docker's stop signal reaches PID 1 only, and supervisord on SIGTERM stops its programs one
# after another (Kafka, then YARN, then HDFS: 10 s and more per node). This shell stays PID 1
# and turns the signal into `supervisorctl stop all`, which signals every daemon at once and
# waits for each (up to its stopwaitsecs), so a node stops in the time of its slowest daemon.
/usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf &
supervisord_pid=$!
stop_node() {
  log "stop signal: stopping every daemon at once"
  supervisorctl stop all >/dev/null 2>&1 || true
  kill -TERM "$supervisord_pid" 2>/dev/null || true
}
trap stop_node TERM INT
# `wait` returns early when the trap runs; wait again for supervisord itself to exit.
status=0
wait "$supervisord_pid" || status=$?
while kill -0 "$supervisord_pid" 2>/dev/null; do wait "$supervisord_pid" || status=$?; done
exit "$status"
