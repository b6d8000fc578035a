#!/usr/bin/env bash
# healthcheck.sh - Docker HEALTHCHECK of a lab node. Cheap, since Docker runs it every 2 s on every
# node: one bash process and nothing else (no JVM, no curl, no ss), bash's /dev/tcp for the probes.
# Exit 0 only when every service of this node's role answers:
#   master: NameNode HTTP /jmx (9870) + RPC port 9000, ResourceManager /jmx (8088)
#   worker: DataNode /jmx (9864), NodeManager /jmx (8042)
#   both:   Kafka INTERNAL listener (19092) accepts a TCP connection; sshd has a listening TCP
#           socket on 22 (read from /proc/net/tcp, not by connecting: every probe connection that
#           does not finish a key exchange is logged by sshd, even at LogLevel ERROR, which
#           would flood `docker logs` at every probe).
# Prints one line (Docker keeps it in `docker inspect` .State.Health.Log).
set -u
[ -r /etc/lab/node.env ] && . /etc/lab/node.env
down=()
# http NAME PORT PATH: GET http://127.0.0.1:PORT/PATH answers 200 within 3 s.
http() {
  local status=""
  if exec 3<>"/dev/tcp/127.0.0.1/$2"; then
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$3" >&3
    read -r -t 3 _ status _ <&3 || status=""
    exec 3>&-
  fi
  [ "$status" = 200 ] || down+=("$1")
} 2>/dev/null
# tcp NAME PORT: 127.0.0.1:PORT accepts a connection (loopback: refused at once when closed).
tcp() { if exec 3<>"/dev/tcp/127.0.0.1/$2"; then exec 3>&-; else down+=("$1"); fi; } 2>/dev/null
# listening NAME PORT: a socket in state LISTEN (0A) on PORT, IPv4 or IPv6.
listening() {
  local hex sl address rest state
  printf -v hex '%04X' "$2"
  for table in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$table" ] || continue
    while read -r sl address rest; do
      state="${rest#* }"; state="${state%% *}"
      [ "${address##*:}" = "$hex" ] && [ "$state" = 0A ] && return 0
    done < "$table"
  done
  down+=("$1")
}
case "${NODE_ROLE:-}" in
  master)
    http namenode-http 9870 '/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus'
    tcp  namenode-rpc 9000
    http resourcemanager 8088 '/jmx?qry=Hadoop:service=ResourceManager,name=ClusterMetrics' ;;
  worker)
    # JvmMetrics, not DataNodeInfo: the latter logs an ERROR + stack trace until the DataNode has
    # registered with the NameNode.
    http datanode 9864 '/jmx?qry=Hadoop:service=DataNode,name=JvmMetrics'
    http nodemanager 8042 '/jmx?qry=Hadoop:service=NodeManager,name=NodeManagerMetrics' ;;
  *) echo "UNHEALTHY: NODE_ROLE unknown ('${NODE_ROLE:-}')"; exit 1 ;;
esac
tcp kafka 19092
listening sshd 22
if [ ${#down[@]} -gt 0 ]; then
  echo "UNHEALTHY ($NODE_ROLE): not answering: ${down[*]}"
  exit 1
fi
echo "OK ($NODE_ROLE)"
