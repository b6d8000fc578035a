# Sourced. lab_node_var NAME prints this node's NAME: from the environment, else from
# /etc/lab/node.env, which the entrypoint writes at container start from the topology's
# variables. There is no default: a daemon started without its sizing stops with a message that
# names what is missing (exit status 2) instead of running with a guess.
lab_node_var() {
  local name="$1"
  if [ -z "${!name:-}" ] && [ -r /etc/lab/node.env ]; then
    # shellcheck disable=SC1091
    . /etc/lab/node.env
  fi
  if [ -z "${!name:-}" ]; then
    echo "$(basename "$0"): $name is not set. The entrypoint writes it to /etc/lab/node.env from the topology (stacks/local/topology.ts); the image has no default for it." >&2
    return 2
  fi
  printf '%s\n' "${!name}"
}
