# Sourced by Spark's launch scripts.
export HADOOP_CONF_DIR="${HADOOP_CONF_DIR:-/etc/hadoop/conf}"
export YARN_CONF_DIR="${YARN_CONF_DIR:-$HADOOP_CONF_DIR}"
export PYSPARK_PYTHON="${PYSPARK_PYTHON:-python3}"
# pyspark from PyPI has no python/lib/pyspark.zip: every node's Python already has pyspark and py4j,
# so YARN's Python path is that directory, marked local (not shipped).
export PYSPARK_ARCHIVES_PATH="local:/usr/local/lib/python3.9/dist-packages"
