#!/usr/bin/env bash
# The twin node's first step: writes its role's configuration from the environment (the contract is
# TWIN_ENV in stacks/twin/topology.ts), then hands over to supervisord with the role's programs.
# Roles: zookeeper (ZooKeeper 3.6.3), broker (Kafka 3.2.0 on ZooKeeper), kafka-head and spark-head
# (sshd, the cluster's Ambari and HTTPS gateway; on the Spark head also the NameNode, YARN's
# ResourceManager, Livy and Jupyter), spark-worker (DataNode, NodeManager). State lives under /data.
set -euo pipefail
need() { for v in "$@"; do [ -n "${!v:-}" ] || { echo "[twin] $v is required for the role ${TWIN_ROLE:-?}" >&2; exit 64; }; done; }
enable() { for p in "$@"; do ln -sf "/etc/supervisor/available/$p.conf" "/etc/supervisor/conf.d/$p.conf"; done; }
need TWIN_ROLE
mkdir -p /data/logs /etc/twin

# A head node: sshd for the SSH user, the gateway (HTTPS, the cluster login) and the cluster's Ambari.
head_node() {
  need CLUSTER_NAME CLUSTER_LOGIN_USER CLUSTER_LOGIN_PASSWORD SSH_USER SSH_PUBLIC_KEY AMBARI_COMPONENTS AMBARI_CONFIGURATIONS
  mkdir -p /data/ssh /run/sshd
  [ -f /data/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /data/ssh/ssh_host_ed25519_key
  id "$SSH_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$SSH_USER"
  install -d -m 700 -o "$SSH_USER" -g "$SSH_USER" "/home/$SSH_USER/.ssh"
  printf '%s\n' "$SSH_PUBLIC_KEY" > "/home/$SSH_USER/.ssh/authorized_keys"
  chown "$SSH_USER:$SSH_USER" "/home/$SSH_USER/.ssh/authorized_keys"; chmod 600 "/home/$SSH_USER/.ssh/authorized_keys"
  # The gateway's certificate is made once for this cluster's name and kept with the node's data.
  mkdir -p /data/gateway
  if [ ! -f /data/gateway/cert.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$CLUSTER_NAME.twin" \
      -addext "subjectAltName=DNS:localhost,DNS:$CLUSTER_NAME.twin,IP:127.0.0.1" \
      -keyout /data/gateway/key.pem -out /data/gateway/cert.pem 2>/dev/null
  fi
  printf '%s:%s\n' "$CLUSTER_LOGIN_USER" "$(printf '%s' "$CLUSTER_LOGIN_PASSWORD" | openssl passwd -apr1 -stdin)" > /etc/nginx/twin.htpasswd
  chown root:www-data /etc/nginx/twin.htpasswd; chmod 640 /etc/nginx/twin.htpasswd
  cp "/etc/twin/nginx/$TWIN_ROLE.conf" /etc/nginx/conf.d/gateway.conf
  python3 - <<'PY'
import json, os
json.dump({"cluster": os.environ["CLUSTER_NAME"], "port": 8080,
           "components": json.loads(os.environ["AMBARI_COMPONENTS"]),
           "configurations": json.loads(os.environ["AMBARI_CONFIGURATIONS"])},
          open("/etc/twin/ambari.json", "w"), indent=2)
PY
  enable sshd ambari gateway
}

# Hadoop's configuration (HDFS, YARN) for a Spark cluster node, from the environment.
hadoop_conf() {
  need NAMENODE_HOST RESOURCEMANAGER_HOST
  mkdir -p /etc/hadoop/conf /data/hdfs /data/yarn
  site() { # site FILE NAME VALUE...: a Hadoop *-site.xml from name/value pairs
    local file=$1; shift
    { echo '<?xml version="1.0"?><configuration>'
      while [ $# -gt 0 ]; do printf '  <property><name>%s</name><value>%s</value></property>\n' "$1" "$2"; shift 2; done
      echo '</configuration>'; } > "/etc/hadoop/conf/$file"
  }
  # The cluster's default storage is HDFS on the head node (stacks/twin/README.md says why not wasbs).
  site core-site.xml fs.defaultFS "hdfs://$NAMENODE_HOST:8020" hadoop.tmp.dir /data/tmp
  site hdfs-site.xml dfs.replication 1 dfs.namenode.name.dir file:///data/hdfs/namenode dfs.datanode.data.dir file:///data/hdfs/datanode \
    dfs.namenode.rpc-bind-host 0.0.0.0 dfs.namenode.http-bind-host 0.0.0.0 dfs.namenode.datanode.registration.ip-hostname-check false \
    dfs.permissions.enabled false dfs.namenode.safemode.extension 0 dfs.client.use.datanode.hostname true dfs.datanode.use.datanode.hostname true
  # Containers' logs aggregated into /app-logs once an application ends, as on HDInsight: `yarn logs`
  # on the head node then shows a cluster-mode driver's own output.
  site yarn-site.xml yarn.resourcemanager.hostname "$RESOURCEMANAGER_HOST" yarn.resourcemanager.bind-host 0.0.0.0 yarn.nodemanager.bind-host 0.0.0.0 \
    yarn.nodemanager.hostname "$(hostname -f)" yarn.nodemanager.address '${yarn.nodemanager.hostname}:45454' \
    yarn.nodemanager.resource.memory-mb "${NODEMANAGER_MEMORY_MB:-2048}" yarn.nodemanager.resource.cpu-vcores "${NODEMANAGER_VCORES:-2}" \
    yarn.scheduler.minimum-allocation-mb 256 yarn.scheduler.maximum-allocation-mb "${NODEMANAGER_MEMORY_MB:-2048}" \
    yarn.nodemanager.vmem-check-enabled false yarn.nodemanager.pmem-check-enabled false \
    yarn.nodemanager.local-dirs /data/yarn/local yarn.nodemanager.log-dirs /data/yarn/logs \
    yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage 99 \
    yarn.nodemanager.env-whitelist JAVA_HOME,HADOOP_CONF_DIR,PATH,LANG,SPARK_HOME,PYSPARK_PYTHON \
    yarn.application.classpath '/etc/hadoop/conf,/usr/local/hadoop/lib/*' \
    yarn.resourcemanager.nodemanagers.heartbeat-interval-ms 500 \
    yarn.log-aggregation-enable true yarn.nodemanager.remote-app-log-dir /app-logs
  cp /etc/twin/capacity-scheduler.xml /etc/hadoop/conf/
  cp /etc/twin/log4j.properties /etc/hadoop/conf/
}

case "$TWIN_ROLE" in
  zookeeper)
    mkdir -p /data/zookeeper
    cat > /etc/twin/zoo.cfg <<CFG
dataDir=/data/zookeeper
clientPort=2181
tickTime=2000
initLimit=10
syncLimit=5
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
CFG
    enable zookeeper
    ;;
  broker)
    need ZOOKEEPER_CONNECT ADVERTISED_HOST KAFKA_BROKER_PROPERTIES
    mkdir -p /data/kafka
    {
      echo "listeners=PLAINTEXT://0.0.0.0:9092"
      echo "advertised.listeners=PLAINTEXT://$ADVERTISED_HOST:9092"
      echo "zookeeper.connect=$ZOOKEEPER_CONNECT"
      echo "log.dirs=/data/kafka"
      # The kafka-broker properties Ambari also reports (one source: the topology).
      python3 -c 'import json,os; [print("%s=%s" % kv) for kv in json.loads(os.environ["KAFKA_BROKER_PROPERTIES"]).items()]'
    } > /etc/twin/server.properties
    enable kafka
    ;;
  kafka-head)
    head_node
    ;;
  spark-head)
    need NAMENODE_HOST RESOURCEMANAGER_HOST
    head_node
    hadoop_conf
    [ -d /data/hdfs/namenode/current ] || hdfs namenode -format -nonInteractive -force >/data/logs/namenode-format.log 2>&1
    # Jupyter's notebooks, as on HDInsight's head node.
    mkdir -p /var/lib/jupyter /data/livy
    enable namenode resourcemanager livy livy-sessions jupyter
    ;;
  spark-worker)
    need NAMENODE_HOST RESOURCEMANAGER_HOST NODEMANAGER_MEMORY_MB NODEMANAGER_VCORES
    hadoop_conf
    enable datanode nodemanager
    ;;
  *) echo "[twin] unknown TWIN_ROLE $TWIN_ROLE (zookeeper, broker, kafka-head, spark-head or spark-worker)" >&2; exit 64 ;;
esac
# The password has done its work (hashed above); the programs do not inherit it.
unset CLUSTER_LOGIN_PASSWORD
exec "$@"
