#!/usr/bin/env bash
# verify.sh - manual end-to-end check of the kafka-spark-lab-node image with plain `docker`
# commands (no compose, no Pulumi). Run as root from anywhere:
#     bash stacks/local/verify.sh
#
# 1. ensure-docker.sh, make-base-image.sh, build the image from scratch (--no-cache) and
#    again with nothing changed; prints the timings.
# 2. network `hadoop`, one /data volume per node + the shared /etc/lab-ssh volume, three
#    containers with the env contract of entrypoint.sh and memory limits
#    (master 2.5 GiB, workers 3.25 GiB each: 9 GiB in total), ports published on 127.0.0.1 only.
# 3. waits for Docker health (bounded), then checks HDFS, YARN, Kafka (KRaft quorum, RF=3 topic,
#    produce/consume, EXTERNAL listener from the host), SSH (between nodes and host -> master
#    gateway), Spark (SparkPi on YARN and local[2], Structured Streaming from Kafka), the web UIs.
# 4. replaces hadoop-worker1 with a new container on the same volume: HDFS data, the Kafka
#    topic and its host key survive.
# 5. removes everything it created (containers, network, volumes) and asserts nothing is left.
#
# Env: IMAGE (default kafka-spark-lab-node:dev); NO_CACHE_BUILD=0 skips the from-scratch build;
# FRESH_BASE=1 re-creates debian:bookworm first (to time make-base-image.sh); KEEP=1 leaves the
# cluster running at the end (and on failure) for inspection.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
IMAGE_DIR="$HERE/image"
IMAGE="${IMAGE:-kafka-spark-lab-node:dev}"
NET=hadoop
NODES=(hadoop-master hadoop-worker1 hadoop-worker2)
SSH_VOL=hadoop-lab-ssh
MEM_MASTER=2560m   # NameNode 512m + ResourceManager 512m + Kafka 384m heaps, sshd, a Spark driver
MEM_WORKER=3328m   # DataNode 256m + NodeManager 384m + Kafka 384m heaps + 2048m of YARN containers
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-300}"
WORK="$(mktemp -d /tmp/lab-verify-XXXXXX)"
declare -A T=()
PASS=0
FAIL=0

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok()   { PASS=$((PASS + 1)); echo "  PASS: $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "  FAIL: $*"; }
die()  { echo "FATAL: $*" >&2; exit 1; }
now()  { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
m()    { docker exec -i hadoop-master bash -lc "$1"; }        # run in the master, login shell

# poll CMD until it succeeds: until_ok SECONDS DESCRIPTION CMD...
until_ok() {
  local limit="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "  timed out after ${limit}s waiting for: $what"; return 1; fi
    sleep 1
  done
}

teardown() {
  docker rm -f "${NODES[@]}" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
  docker volume rm "${NODES[@]/%/-data}" "$SSH_VOL" >/dev/null 2>&1 || true
}
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ] || [ "$FAIL" != 0 ]; then
    echo; echo "---- last log lines of each node ----"
    for n in "${NODES[@]}"; do echo "## $n"; docker logs --tail 25 "$n" 2>&1 | sed 's/^/   /' || true; done
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "KEEP=1: cluster left running"; else teardown; fi
  rm -rf "$WORK"
}
trap on_exit EXIT

# ----------------------------------------------------------------------------------- docker
say "Docker engine"
"$HERE/ensure-docker.sh"
for n in "${NODES[@]}"; do
  if docker container inspect "$n" >/dev/null 2>&1; then die "container $n already exists; remove it first (docker rm -f $n)"; fi
done
docker network inspect "$NET" >/dev/null 2>&1 && die "network $NET already exists; remove it first"

say "Base image debian:bookworm"
if [ "${FRESH_BASE:-0}" = 1 ]; then docker rmi debian:bookworm >/dev/null 2>&1 || true; fi
t0=$(now); "$HERE/make-base-image.sh"; T[base]=$(secs "$t0" "$(now)")

say "Image build"
export DOCKER_BUILDKIT=0   # the legacy builder works with every client/daemon pair we have
# docker build with its output in a log file, shown only on failure
build() { docker build "$@" > "$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; die "docker build $* failed"; }; }
if [ "${NO_CACHE_BUILD:-1}" = 1 ]; then
  t0=$(now); build --no-cache -t "$IMAGE" "$IMAGE_DIR"; T[build_nocache]=$(secs "$t0" "$(now)")
  echo "  from scratch (--no-cache): ${T[build_nocache]} s"
fi
t0=$(now); build -t "$IMAGE" "$IMAGE_DIR"; T[rebuild]=$(secs "$t0" "$(now)")
echo "  rebuild, nothing changed: ${T[rebuild]} s"
# Layer order check: editing a script must not re-download any jar.
cp -a "$IMAGE_DIR/." "$WORK/ctx" && echo "# edited by verify.sh" >> "$WORK/ctx/entrypoint.sh"
t0=$(now); build -t "$IMAGE-verify-edit" "$WORK/ctx"; T[rebuild_edit]=$(secs "$t0" "$(now)")
docker rmi "$IMAGE-verify-edit" >/dev/null
echo "  rebuild after editing entrypoint.sh: ${T[rebuild_edit]} s"
IMAGE_SIZE="$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.2f GB", $1/1e9}')"
echo "  image size: $IMAGE_SIZE"

# ----------------------------------------------------------------------------------- cluster
say "Network, volumes, containers"
docker network create --driver bridge "$NET" >/dev/null
docker volume create "$SSH_VOL" >/dev/null
for n in "${NODES[@]}"; do docker volume create "$n-data" >/dev/null; done
CLUSTER_ID="$(docker run --rm "$IMAGE" kafka-storage.sh random-uuid)"
ssh-keygen -q -t ed25519 -N '' -C lab-verify-host -f "$WORK/host_key"
VOTERS="1@hadoop-master:19093,2@hadoop-worker1:19093,3@hadoop-worker2:19093"
echo "  KAFKA_CLUSTER_ID=$CLUSTER_ID"

run_node() { # run_node NAME ROLE KAFKA_NODE_ID EXTERNAL_PORT MEMORY [extra docker args...]
  local name="$1" role="$2" id="$3" ext="$4" mem="$5"; shift 5
  docker run -d --name "$name" --hostname "$name" --network "$NET" \
    --memory "$mem" --memory-swap "$mem" --stop-timeout 60 \
    -v "$name-data:/data" -v "$SSH_VOL:/etc/lab-ssh" \
    -e NODE_ROLE="$role" -e MASTER_HOST=hadoop-master -e WORKER_HOSTS=hadoop-worker1,hadoop-worker2 \
    -e HDFS_REPLICATION=2 \
    -e KAFKA_NODE_ID="$id" -e KAFKA_CLUSTER_ID="$CLUSTER_ID" -e KAFKA_CONTROLLER_QUORUM_VOTERS="$VOTERS" \
    -e KAFKA_EXTERNAL_ADVERTISED="localhost:$ext" -e KAFKA_BROKER_COUNT=3 -e KAFKA_HEAP_MB=384 \
    -e NAMENODE_HEAP_MB=512 -e RESOURCEMANAGER_HEAP_MB=512 -e DATANODE_HEAP_MB=256 -e NODEMANAGER_HEAP_MB=384 \
    -e YARN_NODEMANAGER_MEMORY_MB=2048 -e YARN_NODEMANAGER_VCORES=2 \
    "$@" "$IMAGE" >/dev/null
}
run_worker1() { run_node hadoop-worker1 worker 2 9093 "$MEM_WORKER" -p 127.0.0.1:8040:8042 -p 127.0.0.1:9093:9092; }

health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null || echo missing; }
wait_healthy() { # wait_healthy NODE...
  local deadline=$(( $(date +%s) + HEALTH_TIMEOUT )) n all
  while :; do
    all=1
    for n in "$@"; do
      case "$(health "$n")" in
        healthy) ;;
        *) all=0 ;;
      esac
      [ "$(docker inspect -f '{{.State.Running}}' "$n" 2>/dev/null)" = true ] || die "container $n is not running"
    done
    [ "$all" = 1 ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      for n in "$@"; do echo "  $n: $(health "$n"): $(docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$n" | tail -n 1)"; done
      die "not all healthy after ${HEALTH_TIMEOUT}s"
    fi
    sleep 1
  done
}

t0=$(now)
run_node hadoop-master master 1 9092 "$MEM_MASTER" \
  -p 127.0.0.1:9870:9870 -p 127.0.0.1:8088:8088 -p 127.0.0.1:9092:9092 -p 127.0.0.1:2222:22 \
  -e SSH_AUTHORIZED_KEYS="$(cat "$WORK/host_key.pub")"
run_worker1
run_node hadoop-worker2 worker 3 9094 "$MEM_WORKER" -p 127.0.0.1:8041:8042 -p 127.0.0.1:9094:9092
echo "  started; waiting for Docker health (bounded ${HEALTH_TIMEOUT}s)"
wait_healthy "${NODES[@]}"
T[healthy]=$(secs "$t0" "$(now)")
echo "  all 3 containers healthy ${T[healthy]} s after the first docker run"

# ----------------------------------------------------------------------------------- checks
say "HDFS"
live_dn() { m "hdfs dfsadmin -report 2>/dev/null" | sed -n 's/^Live datanodes (\([0-9]*\)).*/\1/p'; }
until_ok 90 "2 live DataNodes" bash -c '[ "$(docker exec hadoop-master bash -lc "hdfs dfsadmin -report 2>/dev/null" | sed -n "s/^Live datanodes (\([0-9]*\)).*/\1/p")" = 2 ]' || true
DN="$(live_dn)"; [ "$DN" = 2 ] && ok "hdfs dfsadmin -report: Live datanodes ($DN)" || bad "live DataNodes = '$DN' (want 2)"
m "hdfs dfsadmin -safemode wait >/dev/null"
if m "echo 'hello from verify.sh' | hdfs dfs -put -f - /verify-hello.txt && hdfs dfs -cat /verify-hello.txt" | grep -q 'hello from verify.sh'; then
  ok "hdfs dfs -put / -cat round trip"
else bad "hdfs put/cat"; fi
REPL="$(m "hdfs dfs -stat %r /verify-hello.txt")"
[ "$REPL" = 2 ] && ok "file replication = $REPL" || bad "file replication = '$REPL' (want 2)"

say "YARN"
nm_running() { docker exec hadoop-master bash -lc 'yarn node -list 2>/dev/null' | grep -c RUNNING || true; }
until_ok 90 "2 RUNNING NodeManagers" bash -c "[ \"\$(docker exec hadoop-master bash -lc 'yarn node -list 2>/dev/null' | grep -c RUNNING)\" = 2 ]" || true
NM="$(nm_running)"; [ "$NM" = 2 ] && ok "yarn node -list: $NM RUNNING NodeManagers" || bad "RUNNING NodeManagers = $NM (want 2)"
m "yarn node -list 2>/dev/null" | sed 's/^/    /'

say "Kafka (KRaft, 3 combined broker+controller nodes)"
m "kafka-metadata-quorum.sh --bootstrap-server hadoop-master:19092 describe --status" > "$WORK/quorum.txt" 2>&1 || true
sed 's/^/    /' "$WORK/quorum.txt"
grep -q 'CurrentVoters:.*\[1,2,3\]' "$WORK/quorum.txt" && ok "metadata quorum: voters [1,2,3]" || bad "quorum voters"
BROKERS="$(m "kafka-broker-api-versions.sh --bootstrap-server hadoop-master:19092 2>/dev/null" | grep -c '(id: ' || true)"
[ "$BROKERS" = 3 ] && ok "kafka-broker-api-versions: $BROKERS brokers" || bad "brokers = $BROKERS (want 3)"
m "kafka-topics.sh --bootstrap-server hadoop-master:19092 --create --topic verify-topic --partitions 3 --replication-factor 3" >/dev/null
m "kafka-topics.sh --bootstrap-server hadoop-master:19092 --describe --topic verify-topic" > "$WORK/topic.txt"
sed 's/^/    /' "$WORK/topic.txt"
grep -q 'ReplicationFactor: 3' "$WORK/topic.txt" && ok "topic verify-topic with RF 3" || bad "topic RF"
docker exec -i hadoop-worker1 bash -lc 'seq 1 10 | sed "s/^/msg-/" | kafka-console-producer.sh --bootstrap-server hadoop-worker1:19092 --topic verify-topic' >/dev/null
GOT="$(docker exec hadoop-worker2 bash -lc 'kafka-console-consumer.sh --bootstrap-server hadoop-worker2:19092 --topic verify-topic --from-beginning --max-messages 10 --timeout-ms 30000 2>/dev/null' | grep -c '^msg-' || true)"
[ "$GOT" = 10 ] && ok "produced 10 on hadoop-worker1, consumed $GOT on hadoop-worker2" || bad "consumed $GOT of 10"
# The lab's habit: `--bootstrap-server localhost:9092` inside the master (socat forwards reach the other brokers).
GOT="$(m 'kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic verify-topic --from-beginning --max-messages 10 --timeout-ms 30000 2>/dev/null' | grep -c '^msg-' || true)"
[ "$GOT" = 10 ] && ok "lab-style localhost:9092 inside the master: consumed $GOT" || bad "localhost:9092 inside master: consumed $GOT of 10"
# EXTERNAL listeners from the Docker host (host network namespace, published ports).
GOT="$(docker run --rm --network host "$IMAGE" \
        kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic verify-topic --from-beginning \
        --max-messages 10 --timeout-ms 30000 2>/dev/null | grep -c '^msg-' || true)"
[ "$GOT" = 10 ] && ok "from the host via localhost:9092/9093/9094 (EXTERNAL): consumed $GOT" || bad "EXTERNAL listener from host: consumed $GOT of 10"

say "SSH"
if m "ssh -o BatchMode=yes hadoop-worker1 hostname && ssh -o BatchMode=yes hadoop-worker2 hostname" | tr '\n' ' ' | grep -q 'hadoop-worker1 hadoop-worker2'; then
  ok "master -> workers with the per-deployment key"
else bad "ssh master -> workers"; fi
SSHOPTS=(-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$WORK/host_key" -p 2222)
if ssh "${SSHOPTS[@]}" root@127.0.0.1 'hdfs dfs -cat /verify-hello.txt' 2>/dev/null | grep -q 'hello from verify.sh'; then
  ok "host -> master sshd (127.0.0.1:2222, key from SSH_AUTHORIZED_KEYS), hdfs on PATH in ssh sessions"
else bad "ssh host -> master gateway"; fi
if ssh "${SSHOPTS[@]}" -o PasswordAuthentication=yes -o PubkeyAuthentication=no root@127.0.0.1 true 2>/dev/null; then
  bad "password/keyboard login should be refused"; else ok "login without key refused"; fi
HOSTKEY_W1="$(docker exec hadoop-worker1 ssh-keygen -lf /data/ssh/ssh_host_ed25519_key.pub)"
m "./start-hadoop.sh" > "$WORK/start-hadoop.txt" 2>&1 || true
grep -q 'nothing to start' "$WORK/start-hadoop.txt" && grep -q 'HDFS live DataNodes: *2' "$WORK/start-hadoop.txt" \
  && ok "/root/start-hadoop.sh reports supervised services (no duplicates started)" || { bad "start-hadoop.sh"; cat "$WORK/start-hadoop.txt"; }

say "Web UIs (from the host)"
curl -fsS -m 10 http://127.0.0.1:9870/dfshealth.html | grep -q 'Namenode information' && ok "NameNode UI http://localhost:9870/dfshealth.html" || bad "NameNode UI"
curl -fsS -m 10 'http://127.0.0.1:9870/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo' | grep -q '"LiveNodes"' && ok "NameNode /jmx" || bad "NameNode /jmx"
curl -fsSL -m 10 http://127.0.0.1:8088/cluster | grep -q 'All Applications' && ok "YARN UI http://localhost:8088/cluster" || bad "YARN UI"
curl -fsS -m 10 http://127.0.0.1:8088/ws/v1/cluster/metrics | grep -q '"activeNodes":2' && ok "YARN REST /ws/v1/cluster/metrics: activeNodes 2" || bad "YARN REST"
curl -fsSL -m 10 http://127.0.0.1:8040/node | grep -q 'NodeManager information' && ok "NodeManager UI http://localhost:8040 (worker1)" || bad "NodeManager UI 8040"
curl -fsSL -m 10 http://127.0.0.1:8041/node | grep -q 'NodeManager information' && ok "NodeManager UI http://localhost:8041 (worker2)" || bad "NodeManager UI 8041"

say "Spark 3.5.0"
t0=$(now)
if m 'spark-submit --master yarn --deploy-mode client $SPARK_HOME/examples/src/main/python/pi.py 4 2>&1' > "$WORK/pi-yarn.txt"; then :; fi
T[pi_yarn]=$(secs "$t0" "$(now)")
grep -q 'Pi is roughly' "$WORK/pi-yarn.txt" && ok "SparkPi (pi.py) on YARN: $(grep -o 'Pi is roughly.*' "$WORK/pi-yarn.txt") (${T[pi_yarn]} s)" || { bad "SparkPi on YARN"; tail -30 "$WORK/pi-yarn.txt"; }
FINAL="$(m "yarn application -list -appStates FINISHED 2>/dev/null" | grep -c 'SUCCEEDED' || true)"
[ "$FINAL" -ge 1 ] && ok "yarn application -list: $FINAL FINISHED/SUCCEEDED application(s)" || bad "no SUCCEEDED YARN application"
t0=$(now)
m 'spark-submit --master "local[2]" $SPARK_HOME/examples/src/main/python/pi.py 4 2>&1' > "$WORK/pi-local.txt" || true
T[pi_local]=$(secs "$t0" "$(now)")
grep -q 'Pi is roughly' "$WORK/pi-local.txt" && ok "SparkPi (pi.py) local[2]: $(grep -o 'Pi is roughly.*' "$WORK/pi-local.txt") (${T[pi_local]} s)" || { bad "SparkPi local"; tail -30 "$WORK/pi-local.txt"; }

cat > "$WORK/kafka_stream_check.py" <<'PY'
# Structured Streaming read of verify-topic with the bundled Kafka source (no --packages).
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("verify-kafka-stream").config("spark.sql.shuffle.partitions", "2").getOrCreate()
spark.sparkContext.setLogLevel("WARN")
df = (spark.readStream.format("kafka")
      .option("kafka.bootstrap.servers", "hadoop-master:19092")
      .option("subscribe", "verify-topic")
      .option("startingOffsets", "earliest")
      .load())
seen = []
def batch(bdf, bid):
    seen.extend(r.v for r in bdf.selectExpr("CAST(value AS STRING) AS v").collect())
q = (df.writeStream.trigger(availableNow=True).foreachBatch(batch)
     .option("checkpointLocation", sys.argv[1]).start())
q.awaitTermination()
print("STREAM_ROWS=%d" % len(seen))
spark.stop()
PY
docker cp "$WORK/kafka_stream_check.py" hadoop-master:/tmp/kafka_stream_check.py
for mode in "local[2]" yarn; do
  t0=$(now)
  m "spark-submit --master '$mode' /tmp/kafka_stream_check.py /tmp/verify-ckpt-${mode//[^a-z0-9]/} 2>&1" > "$WORK/stream.txt" || true
  ts=$(secs "$t0" "$(now)")
  grep -q 'STREAM_ROWS=10' "$WORK/stream.txt" && ok "Structured Streaming from Kafka ($mode): 10 rows (${ts} s)" || { bad "streaming from Kafka ($mode)"; tail -30 "$WORK/stream.txt"; }
done

say "Logs"
for n in "${NODES[@]}"; do
  tags="$(docker logs "$n" 2>&1 | grep -oE '\[(namenode|resourcemanager|datanode|nodemanager|kafka)\]' | sort -u | tr -d '[]' | tr '\n' ' ')"
  files="$(docker exec "$n" bash -c 'ls /data/logs/hadoop/*.log /data/logs/kafka/server.log 2>/dev/null | xargs -n1 basename | tr "\n" " "')"
  echo "  $n: docker logs has [$tags], files in /data/logs: $files"
done
[ "$(docker logs hadoop-master 2>&1 | grep -c '\[namenode\]')" -gt 0 ] && [ "$(docker logs hadoop-worker1 2>&1 | grep -c '\[kafka\]')" -gt 0 ] \
  && ok "daemon logs reach docker logs and /data/logs" || bad "daemon logs"

say "Memory (limits: master $MEM_MASTER, workers $MEM_WORKER)"
docker stats --no-stream --format '  now: {{.Name}}\t{{.MemUsage}}' "${NODES[@]}"
for n in "${NODES[@]}"; do
  echo "  peak: $n $(docker exec "$n" cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null | awk '{printf "%.0f MiB (cgroup v1 max_usage, incl. page cache)", $1/1048576}')"
done

# ----------------------------------------------------------------------------------- replacement
say "Replace hadoop-worker1 (same volume)"
t0=$(now)
docker stop -t 60 hadoop-worker1 >/dev/null
echo "  docker stop (graceful: supervisord stops Kafka, NodeManager, DataNode, sshd) took $(secs "$t0" "$(now)") s"
docker rm hadoop-worker1 >/dev/null
t0=$(now)
run_worker1
wait_healthy hadoop-worker1
echo "  new hadoop-worker1 healthy after $(secs "$t0" "$(now)") s"
[ "$(docker exec hadoop-worker1 ssh-keygen -lf /data/ssh/ssh_host_ed25519_key.pub)" = "$HOSTKEY_W1" ] && ok "worker1 kept its ssh host key" || bad "worker1 host key changed"
m "hdfs dfs -cat /verify-hello.txt" | grep -q 'hello from verify.sh' && ok "HDFS file survived" || bad "HDFS file lost"
until_ok 120 "2 live DataNodes again" bash -c '[ "$(docker exec hadoop-master bash -lc "hdfs dfsadmin -report -live 2>/dev/null" | sed -n "s/^Live datanodes (\([0-9]*\)).*/\1/p")" = 2 ]' \
  && ok "2 live DataNodes after replacement" || bad "live DataNodes after replacement: $(live_dn)"
until_ok 120 "2 RUNNING NodeManagers again" bash -c "[ \"\$(docker exec hadoop-master bash -lc 'yarn node -list 2>/dev/null' | grep -c RUNNING)\" = 2 ]" \
  && ok "2 RUNNING NodeManagers after replacement" || bad "NodeManagers after replacement: $(nm_running)"
until_ok 120 "ISR of verify-topic back to 3" bash -c "! docker exec hadoop-master bash -lc 'kafka-topics.sh --bootstrap-server hadoop-master:19092 --describe --topic verify-topic --under-replicated-partitions 2>/dev/null' | grep -q Partition" \
  && ok "Kafka topic fully in sync again (no under-replicated partitions)" || bad "under-replicated partitions remain"
m "kafka-topics.sh --bootstrap-server hadoop-master:19092 --describe --topic verify-topic" | sed 's/^/    /'
GOT="$(docker exec hadoop-worker1 bash -lc 'kafka-console-consumer.sh --bootstrap-server hadoop-worker1:19092 --topic verify-topic --from-beginning --max-messages 10 --timeout-ms 30000 2>/dev/null' | grep -c '^msg-' || true)"
[ "$GOT" = 10 ] && ok "Kafka topic survived: consumed $GOT on the new hadoop-worker1" || bad "consumed $GOT of 10 after replacement"

# ----------------------------------------------------------------------------------- teardown
if [ "${KEEP:-0}" != 1 ]; then
  say "Teardown"
  teardown
  left="$(docker ps -a --format '{{.Names}}' | grep -E '^hadoop-(master|worker[12])$' || true)"
  left+="$(docker network ls --format '{{.Name}}' | grep -x "$NET" || true)"
  left+="$(docker volume ls --format '{{.Name}}' | grep -E '^(hadoop-(master|worker[12])-data|hadoop-lab-ssh)$' || true)"
  [ -z "$left" ] && ok "no container, network or volume left" || bad "left over: $left"
fi

say "Summary"
printf '  %-44s %s\n' "make-base-image.sh:" "${T[base]} s" \
  "image build from scratch (--no-cache):" "${T[build_nocache]:-skipped} s" \
  "rebuild with nothing changed:" "${T[rebuild]} s" \
  "rebuild after editing entrypoint.sh:" "${T[rebuild_edit]} s" \
  "docker run -> all 3 healthy:" "${T[healthy]} s" \
  "SparkPi on YARN (spark-submit wall time):" "${T[pi_yarn]} s" \
  "image size:" "$IMAGE_SIZE"
echo "  $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
