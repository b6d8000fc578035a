#!/usr/bin/env bash
# In this image the broker is supervised: stop it with supervisorctl (it would be restarted otherwise).
set -u
if command -v supervisorctl >/dev/null && supervisorctl status kafka >/dev/null 2>&1; then
  exec supervisorctl stop kafka
fi
mapfile -t pids < <(pgrep -f 'java.*kafka\.Kafka' || true)
[ ${#pids[@]} -gt 0 ] || { echo "No kafka server to stop" >&2; exit 1; }
kill -s TERM "${pids[@]}"
