#!/usr/bin/env bash
# Kept for the course lab's muscle memory (`./start-hadoop.sh`). In this image HDFS and YARN are
# started and supervised by supervisord (PID 1) when the containers start, so this script
# starts nothing: it reports what is running on each node.
set -u
. /etc/profile.d/lab-env.sh
echo "HDFS, YARN, Kafka and sshd are already started and supervised by supervisord on every node;"
echo "nothing to start. Status:"
echo
echo "== $(hostname) ($NODE_ROLE)"
supervisorctl status
while read -r w; do
  [ -n "$w" ] || continue
  echo "== $w"
  ssh -n -o BatchMode=yes -o ConnectTimeout=5 "$w" supervisorctl status || echo "   (could not reach $w over ssh)"
done < "$HADOOP_CONF_DIR/workers"
echo
j() { curl -fsS -m 5 "$1" 2>/dev/null | python3 -c "import json,sys; b=json.load(sys.stdin)['beans']; print(b[0]['$2'] if b else '?')" 2>/dev/null || echo '?'; }
echo "HDFS live DataNodes:       $(j "http://$MASTER_HOST:9870/jmx?qry=Hadoop:service=NameNode,name=FSNamesystemState" NumLiveDataNodes)"
echo "YARN active NodeManagers:  $(j "http://$MASTER_HOST:8088/jmx?qry=Hadoop:service=ResourceManager,name=ClusterMetrics" NumActiveNMs)"
echo "Web UIs (from the Docker host): NameNode http://localhost:9870  YARN http://localhost:8088"
echo "Restart one daemon: supervisorctl restart namenode|resourcemanager|datanode|nodemanager|kafka"
