#!/usr/bin/env bash
# In this image the broker is supervised: stop it with supervisorctl (it would be restarted otherwise).
if command -v supervisorctl >/dev/null && supervisorctl status kafka >/dev/null 2>&1; then
  exec supervisorctl stop kafka
fi
PIDS=$(pgrep -f 'java.*kafka\.Kafka' || true)
[ -n "$PIDS" ] || { echo "No kafka server to stop" >&2; exit 1; }
kill -s TERM $PIDS
