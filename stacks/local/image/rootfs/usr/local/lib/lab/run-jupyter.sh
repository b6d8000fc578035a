#!/usr/bin/env bash
# JupyterLab on the master (npm run notebook), on JUPYTER_PORT. Its token is made at the first
# start and kept in the node's volume (/data/jupyter/token, root only): one per stack, never in the
# image, the compose file or the Pulumi state; npm run notebook reads it to print the URL to open.
# Notebooks live in /data/notebooks (kept across restarts). Kernels get LAB_JUPYTER_KERNEL=1, so
# their IPython startup file creates `spark` (see /root/.ipython/profile_default/startup).
set -euo pipefail
. /usr/local/lib/lab/node-var.sh
JUPYTER_PORT="$(lab_node_var JUPYTER_PORT)"
mkdir -p /data/jupyter /data/notebooks
chmod 700 /data/jupyter
if [ ! -s /data/jupyter/token ]; then
  (umask 077; python3 -c 'import secrets; print(secrets.token_hex(24))' > /data/jupyter/token)
fi
JUPYTER_TOKEN="$(cat /data/jupyter/token)"
# Jupyter is not part of the node's health, so it starts once the node is healthy: its Python start
# (several CPU-seconds) would otherwise compete with the cluster's ten starting JVMs on two cores and
# make "up -> healthy" slower. Polled every second (the healthcheck is cheap); after
# LAB_JUPYTER_WAIT_SECONDS it starts anyway, so a sick node still gets its notebooks.
wait_s="${LAB_JUPYTER_WAIT_SECONDS:-180}"
for ((i = 0; i < wait_s; i++)); do
  /usr/local/bin/healthcheck.sh >/dev/null 2>&1 && break
  sleep 1
done
export JUPYTER_TOKEN LAB_JUPYTER_KERNEL=1
cd /data/notebooks
# Jupyter prints its URLs with the token in them: the log says <token> instead.
exec python3 -m jupyterlab --ip=0.0.0.0 --port="$JUPYTER_PORT" --no-browser --allow-root \
  --ServerApp.root_dir=/data/notebooks --ServerApp.terminals_enabled=False \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  > >(exec sed -u "s/$JUPYTER_TOKEN/<token>/g") 2>&1
