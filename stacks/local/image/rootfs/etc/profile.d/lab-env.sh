# Environment of the lab image for login shells and ssh sessions (/etc/profile resets PATH).
# `docker exec` gets the same values from the image's ENV; ssh sessions also from /etc/environment.
export JAVA_HOME=/usr/lib/jvm/java-17-openjdk
export HADOOP_HOME=/usr/local/hadoop
export HADOOP_CONF_DIR=/usr/local/hadoop/etc/hadoop
export YARN_CONF_DIR=/usr/local/hadoop/etc/hadoop
export SPARK_HOME=/usr/local/spark
export SPARK_CONF_DIR=/etc/spark/conf
export KAFKA_HOME=/usr/local/kafka
export PYSPARK_PYTHON=python3
for d in "$JAVA_HOME/bin" "$KAFKA_HOME/bin" "$SPARK_HOME/bin" "$HADOOP_HOME/sbin" "$HADOOP_HOME/bin"; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
done
export PATH
# NODE_ROLE, MASTER_HOST, KAFKA_NODE_ID... as resolved by the entrypoint at container start.
[ -r /etc/lab/node.env ] && . /etc/lab/node.env
