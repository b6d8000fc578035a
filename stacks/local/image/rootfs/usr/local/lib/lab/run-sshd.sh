#!/usr/bin/env bash
# supervisor program "sshd". The master created the per-deployment key pair in the shared
# volume /etc/lab-ssh (entrypoint.sh); a worker waits for it here (bounded by
# LAB_SSH_KEY_WAIT_SECONDS, default 120) so that its other daemons start without delay.
set -uo pipefail
. /etc/lab/node.env
if [ ! -s /etc/lab-ssh/authorized_keys ]; then
  echo "[run-sshd] waiting up to ${LAB_SSH_KEY_WAIT_SECONDS}s for the cluster key in /etc/lab-ssh (created by $MASTER_HOST)"
  deadline=$(( $(date +%s) + LAB_SSH_KEY_WAIT_SECONDS ))
  while [ ! -s /etc/lab-ssh/authorized_keys ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  if [ -s /etc/lab-ssh/authorized_keys ]; then
    echo "[run-sshd] cluster key found"
  else
    echo "[run-sshd] WARNING: no cluster key in /etc/lab-ssh after ${LAB_SSH_KEY_WAIT_SECONDS}s (is the shared volume mounted on every node?); starting sshd with SSH_AUTHORIZED_KEYS only"
  fi
fi
mkdir -p /run/sshd && chmod 0755 /run/sshd
exec /usr/sbin/sshd -D -e
