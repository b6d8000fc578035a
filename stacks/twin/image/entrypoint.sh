#!/usr/bin/env bash
# The twin node's first step: writes its role's configuration from the environment (the contract is
# TWIN_ENV in stacks/twin/topology.ts), then hands over to supervisord with the role's programs.
# Roles: zookeeper (ZooKeeper 3.6.3), broker (Kafka 3.2.0 on ZooKeeper), head (sshd, the twin's
# Ambari, the HTTPS gateway). State lives under /data.
set -euo pipefail
need() { for v in "$@"; do [ -n "${!v:-}" ] || { echo "[twin] $v is required for the role ${TWIN_ROLE:-?}" >&2; exit 64; }; done; }
enable() { for p in "$@"; do ln -sf "/etc/supervisor/available/$p.conf" "/etc/supervisor/conf.d/$p.conf"; done; }
need TWIN_ROLE
mkdir -p /data/logs /etc/twin

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
  head)
    need CLUSTER_NAME CLUSTER_LOGIN_USER CLUSTER_LOGIN_PASSWORD SSH_USER SSH_PUBLIC_KEY AMBARI_COMPONENTS KAFKA_BROKER_PROPERTIES
    # sshd: the host key is made once and kept with the node's data; the SSH user logs in with its key only.
    mkdir -p /data/ssh /run/sshd
    [ -f /data/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /data/ssh/ssh_host_ed25519_key
    id "$SSH_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$SSH_USER"
    install -d -m 700 -o "$SSH_USER" -g "$SSH_USER" "/home/$SSH_USER/.ssh"
    printf '%s\n' "$SSH_PUBLIC_KEY" > "/home/$SSH_USER/.ssh/authorized_keys"
    chown "$SSH_USER:$SSH_USER" "/home/$SSH_USER/.ssh/authorized_keys"; chmod 600 "/home/$SSH_USER/.ssh/authorized_keys"
    # The gateway: a certificate made once for this cluster's name, and the cluster login (hashed).
    mkdir -p /data/gateway
    if [ ! -f /data/gateway/cert.pem ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$CLUSTER_NAME.twin" \
        -addext "subjectAltName=DNS:localhost,DNS:$CLUSTER_NAME.twin,IP:127.0.0.1" \
        -keyout /data/gateway/key.pem -out /data/gateway/cert.pem 2>/dev/null
    fi
    printf '%s:%s\n' "$CLUSTER_LOGIN_USER" "$(printf '%s' "$CLUSTER_LOGIN_PASSWORD" | openssl passwd -apr1 -stdin)" > /etc/nginx/twin.htpasswd
    chown root:www-data /etc/nginx/twin.htpasswd; chmod 640 /etc/nginx/twin.htpasswd
    python3 - <<'PY'
import json, os
json.dump({"cluster": os.environ["CLUSTER_NAME"], "port": 8080,
           "components": json.loads(os.environ["AMBARI_COMPONENTS"]),
           "configurations": {"kafka-broker": json.loads(os.environ["KAFKA_BROKER_PROPERTIES"])}},
          open("/etc/twin/ambari.json", "w"), indent=2)
PY
    enable sshd ambari gateway
    ;;
  *) echo "[twin] unknown TWIN_ROLE $TWIN_ROLE (zookeeper, broker or head)" >&2; exit 64 ;;
esac
# The password has done its work (hashed above); the programs do not inherit it.
unset CLUSTER_LOGIN_PASSWORD
exec "$@"
