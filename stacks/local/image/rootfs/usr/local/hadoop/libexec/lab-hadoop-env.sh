# Sourced by the thin hadoop/hdfs/yarn/mapred wrappers of this image (the Apache binary tarball
# is not on any package registry; the jars come from Maven Central, see maven/pom.xml).
# Builds the classpath and JVM options, then `lab_hadoop_exec CLASS ARGS...` runs the class.
#
# Sourced by scripts running with `set -u`: every optional variable is read as ${VAR:-}.
# Overridable env (same spirit as the real scripts): HADOOP_HEAPSIZE_MAX (e.g. 512m),
# HADOOP_OPTS (extra JVM options), HADOOP_CLIENT_OPTS (extra options for client commands),
# HADOOP_ROOT_LOGGER (default WARN,console for clients; daemons use INFO,console,RFA).

: "${JAVA_HOME:=/usr/lib/jvm/java-17-openjdk}"
: "${HADOOP_HOME:=/usr/local/hadoop}"
: "${HADOOP_CONF_DIR:=$HADOOP_HOME/etc/hadoop}"
: "${HADOOP_LOG_DIR:=/data/logs/hadoop}"
export JAVA_HOME HADOOP_HOME HADOOP_CONF_DIR HADOOP_LOG_DIR
export HADOOP_COMMON_HOME="$HADOOP_HOME" HADOOP_HDFS_HOME="$HADOOP_HOME" \
       HADOOP_YARN_HOME="$HADOOP_HOME" HADOOP_MAPRED_HOME="$HADOOP_HOME"
export YARN_CONF_DIR="${YARN_CONF_DIR:-$HADOOP_CONF_DIR}"

# Every jar of Hadoop 3.3.6, then the conf dir (core-site.xml, log4j.properties...; no jar carries a
# resource of those names). In that order because the daemons' class-data archives
# (cds/train-hadoop-cds.sh) are tied to the class path, and the JVM accepts a non-empty directory
# on it only after the archived jars.
LAB_HADOOP_CLASSPATH="$HADOOP_HOME/share/hadoop/lib/*:$HADOOP_CONF_DIR"

# Java 17: Hadoop 3.3.x reflects into JDK internals (guice/cglib in YARN, netty, Kerberos
# helpers, ...). Without these the ResourceManager web app and others fail with
# InaccessibleObjectException. Same list Spark 3.5 uses for itself.
LAB_JAVA17_OPTS="-XX:+IgnoreUnrecognizedVMOptions \
--add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.regex=ALL-UNNAMED \
--add-opens=java.base/java.util.zip=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED \
--add-opens=java.base/java.security=ALL-UNNAMED \
--add-opens=java.base/javax.security.auth=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.security.util=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-exports=java.base/sun.net.dns=ALL-UNNAMED \
--add-exports=java.base/sun.net.util=ALL-UNNAMED"
export LAB_JAVA17_OPTS

. /usr/local/lib/lab/node-var.sh   # lab_node_var

# Client JVMs (hdfs dfs, yarn node -list...) start faster with C1 only and the serial GC.
: "${LAB_CLI_JVM_OPTS:=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto}"

# Daemons too: ten JVMs start at once on two cores, and the C2 compiler's work is most of the CPU
# a daemon burns while starting; a lab's NameNode, ResourceManager, DataNode and NodeManager never
# run long enough or hot enough to pay it back. Kafka keeps C2 (it carries the loads).
# Nor do they verify the bytecode of the image's own jars (Hadoop's, fetched by Maven with their
# checksums at build): verification is a good part of loading a daemon's 5,000-9,000 classes, and
# the lab starts all of them at once on two cores. Measured: the three nodes' CPU from start to
# healthy 34 s -> 30 s.
: "${LAB_DAEMON_JVM_OPTS:=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote}"

lab_hadoop_classpath() { echo "$LAB_HADOOP_CLASSPATH"; }

# An options string (HADOOP_OPTS...) split on blanks and newlines into LAB_SPLIT, explicitly and
# without glob expansion, as the real scripts' unquoted $HADOOP_OPTS does. (-d '': the whole
# string, not its first line; read then reports end of input, which is expected.)
lab_split_opts() { read -r -d '' -a LAB_SPLIT <<< "$1" || true; }

# lab_daemon_heap VAR: the -Xmx of a daemon: HADOOP_HEAPSIZE_MAX when set (Hadoop's own
# override), else VAR megabytes from the node's configuration. No default: the entrypoint
# writes VAR to /etc/lab/node.env from the topology (stacks/local/topology.ts).
lab_daemon_heap() {
  if [ -n "${HADOOP_HEAPSIZE_MAX:-}" ]; then echo "$HADOOP_HEAPSIZE_MAX"; return 0; fi
  local mb; mb="$(lab_node_var "$1")" || return 2
  echo "${mb}m"
}

# lab_hadoop_exec MODE NAME CLASS ARGS...
#   MODE=daemon: INFO to console (-> supervisor -> container stdout) and to
#                $HADOOP_LOG_DIR/hadoop-root-NAME.log (rolling); heap from HADOOP_HEAPSIZE_MAX.
#   MODE=client: WARN to stderr; small C1-only JVM.
lab_hadoop_exec() {
  local mode="$1" name="$2" class="$3"; shift 3
  local opts=(-Dproc_"$name" -Djava.net.preferIPv4Stack=true
              -Dhadoop.home.dir="$HADOOP_HOME" -Dhadoop.id.str="${USER:-root}"
              -Dhadoop.log.dir="$HADOOP_LOG_DIR" -Dyarn.log.dir="$HADOOP_LOG_DIR"
              -Dhadoop.policy.file=hadoop-policy.xml -Dlab.component="$name")
  if [ "$mode" = daemon ]; then
    mkdir -p "$HADOOP_LOG_DIR"
    opts+=(-Dhadoop.log.file="hadoop-root-$name.log" -Dyarn.log.file="hadoop-root-$name.log"
           -Dhadoop.root.logger="${HADOOP_ROOT_LOGGER:-INFO,console,RFA}"
           -Dhadoop.security.logger=INFO,NullAppender)
    lab_split_opts "$LAB_DAEMON_JVM_OPTS"; opts+=("${LAB_SPLIT[@]}")
    # The daemon's classes, loaded and linked at image build (cds/train-hadoop-cds.sh).
    if [ -r "/usr/local/lib/lab/hadoop-$name.jsa" ]; then opts+=("-XX:SharedArchiveFile=/usr/local/lib/lab/hadoop-$name.jsa"); fi
  else
    opts+=(-Dhadoop.log.file=hadoop-client.log -Dhadoop.root.logger="${HADOOP_ROOT_LOGGER:-WARN,console}")
    lab_split_opts "$LAB_CLI_JVM_OPTS ${HADOOP_CLIENT_OPTS:-}"; opts+=("${LAB_SPLIT[@]}")
  fi
  if [ -n "${HADOOP_HEAPSIZE_MAX:-}" ]; then opts+=("-Xmx${HADOOP_HEAPSIZE_MAX}"); fi
  lab_split_opts "$LAB_JAVA17_OPTS ${HADOOP_OPTS:-}"; opts+=("${LAB_SPLIT[@]}")
  exec "$JAVA_HOME/bin/java" "${opts[@]}" -cp "$LAB_HADOOP_CLASSPATH${HADOOP_CLASSPATH:+:$HADOOP_CLASSPATH}" "$class" "$@"
}

lab_hadoop_version() { lab_hadoop_exec client version org.apache.hadoop.util.VersionInfo; }
