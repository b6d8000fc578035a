#!/usr/bin/env bash
# supervisor program "namenode" (master). Formats the NameNode on FIRST start only, i.e. when
# /data/hdfs/namenode has no current/VERSION; never again, so HDFS survives container
# replacement as long as the /data volume is kept. Never done at image build time.
set -euo pipefail
. /etc/lab/node.env
NN_DIR=/data/hdfs/namenode
if [ ! -f "$NN_DIR/current/VERSION" ]; then
  echo "[run-namenode] $NN_DIR/current/VERSION missing: first start, formatting the NameNode"
  mkdir -p "$NN_DIR"
  /usr/local/hadoop/bin/hdfs namenode -format -nonInteractive -force
fi
exec /usr/local/hadoop/bin/hdfs namenode
