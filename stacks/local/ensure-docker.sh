#!/usr/bin/env bash
# ensure-docker.sh - make sure a Docker Engine is running on this machine (idempotent).
#
#   * if `docker info` already works: nothing to do;
#   * else install Debian's docker.io if dockerd is missing, start
#     `dockerd >/var/log/dockerd.log 2>&1 &` in the background and poll `docker info`
#     (bounded, DOCKER_WAIT_SECONDS, default 60) until the daemon answers;
#   * installs Debian's docker-compose (Compose v1, 1.29) if it is missing.
# Needs root (apt-get, dockerd). Exit 0 when the daemon answers, 1 otherwise.
set -euo pipefail

WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"
APT_UPDATED=0

log() { echo "[ensure-docker] $*" >&2; }

apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found: installing Debian's docker.io"
  apt_install docker.io
fi

if ! command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose not found: installing Debian's docker-compose"
  apt_install docker-compose || log "WARNING: could not install docker-compose (continuing)"
fi

if docker info >/dev/null 2>&1; then
  log "Docker daemon already running"
  exit 0
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd process exists but does not answer yet; waiting for it"
else
  log "starting dockerd (log: /var/log/dockerd.log)"
  # setsid + nohup: the daemon must survive the shell that started it.
  setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
fi

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until docker info >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "ERROR: Docker daemon not ready after ${WAIT_SECONDS}s; last lines of /var/log/dockerd.log:"
    tail -n 20 /var/log/dockerd.log >&2 || true
    exit 1
  fi
  sleep 0.5
done
log "Docker daemon ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
