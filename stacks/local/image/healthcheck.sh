#!/usr/bin/env bash
# healthcheck.sh - Docker HEALTHCHECK of a lab node. Cheap: no JVM, only curl and bash TCP probes.
# Exit 0 only when every service of this node's role answers:
#   master: NameNode HTTP /jmx (9870) + RPC port 9000, ResourceManager /jmx (8088)
#   worker: DataNode /jmx (9864), NodeManager /jmx (8042)
#   both:   Kafka INTERNAL listener (19092) accepts a TCP connection; sshd has a listening TCP
#           socket on 22 (checked with `ss`, not by connecting: every probe connection that
#           does not finish a key exchange is logged by sshd, even at LogLevel ERROR, which
#           would flood `docker logs` at every probe).
# Prints one line (Docker keeps it in `docker inspect` .State.Health.Log).
set -u
[ -r /etc/lab/node.env ] && . /etc/lab/node.env
down=()
http() { curl -fsS -m 3 -o /dev/null "$2" 2>/dev/null || down+=("$1"); }
tcp()  { timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null || down+=("$1"); }
listening() { ss -Hltn "sport = :$2" 2>/dev/null | grep -q . || down+=("$1"); }
case "${NODE_ROLE:-}" in
  master)
    http namenode-http 'http://127.0.0.1:9870/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus'
    tcp  namenode-rpc 127.0.0.1 9000
    http resourcemanager 'http://127.0.0.1:8088/jmx?qry=Hadoop:service=ResourceManager,name=ClusterMetrics' ;;
  worker)
    # JvmMetrics, not DataNodeInfo: the latter logs an ERROR + stack trace until the DataNode has
    # registered with the NameNode.
    http datanode 'http://127.0.0.1:9864/jmx?qry=Hadoop:service=DataNode,name=JvmMetrics'
    http nodemanager 'http://127.0.0.1:8042/jmx?qry=Hadoop:service=NodeManager,name=NodeManagerMetrics' ;;
  *) echo "UNHEALTHY: NODE_ROLE unknown ('${NODE_ROLE:-}')"; exit 1 ;;
esac
tcp kafka 127.0.0.1 19092
listening sshd 22
if [ ${#down[@]} -gt 0 ]; then
  echo "UNHEALTHY ($NODE_ROLE): not answering: ${down[*]}"
  exit 1
fi
echo "OK ($NODE_ROLE)"
