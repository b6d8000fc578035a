#!/usr/bin/env bash
# make-base-image.sh - provide the `debian:bookworm` base image without a container registry
# (idempotent).
#
# Machines that reach Docker Hub simply `docker pull debian:bookworm`; ours reach only package
# registries, so when `docker image inspect debian:bookworm` fails this script builds the image
# with debootstrap (minbase variant) from the Debian mirror and imports the root filesystem:
#     debootstrap --variant=minbase bookworm DIR http://deb.debian.org/debian
#     tar -C DIR -c . | docker import - debian:bookworm
# debootstrap is installed with apt-get if missing. The temporary directory is always removed.
# Like the official image, apt sources cover bookworm, bookworm-updates and bookworm-security.
#
# Local trust anchors: the host's extra CA certificates (LOCAL_CA_DIR, default
# /usr/local/share/ca-certificates/*.crt) are copied to the same place in the image. When a
# Dockerfile later installs `ca-certificates`, update-ca-certificates (and ca-certificates-java)
# add them to the system and Java trust stores. Needed where HTTPS to the package registries
# (PyPI, Maven Central) goes through a TLS-inspecting egress proxy with its own CA, as on our
# machines; harmless elsewhere (the directory is then empty).
# Env: BASE_IMAGE (default debian:bookworm), DEBIAN_MIRROR (default http://deb.debian.org/debian),
#      LOCAL_CA_DIR (default /usr/local/share/ca-certificates).
set -euo pipefail

IMAGE="${BASE_IMAGE:-debian:bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOCAL_CA_DIR="${LOCAL_CA_DIR:-/usr/local/share/ca-certificates}"
SUITE="${IMAGE#*:}"

log() { echo "[make-base-image] $*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE already present: nothing to do"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

TMP="$(mktemp -d /tmp/debootstrap-XXXXXX)"
cleanup() { rm -rf --one-file-system "$TMP"; }
trap cleanup EXIT

log "debootstrap --variant=minbase $SUITE $TMP $MIRROR"
start=$(date +%s)
if ! debootstrap --variant=minbase "$SUITE" "$TMP" "$MIRROR" >"$TMP.log" 2>&1; then
  tail -n 30 "$TMP.log" >&2
  rm -f "$TMP.log"
  exit 1
fi
rm -f "$TMP.log"
# Like the official image: no apt caches, no downloaded .debs in the root fs.
rm -rf "$TMP"/var/cache/apt/archives/*.deb "$TMP"/var/lib/apt/lists/*
MIRROR_BASE="${MIRROR%/debian}"
cat > "$TMP/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $MIRROR_BASE/debian-security $SUITE-security main
EOF
mkdir -p "$TMP/usr/local/share/ca-certificates"
n=0
for crt in "$LOCAL_CA_DIR"/*.crt; do
  [ -f "$crt" ] || continue
  cp "$crt" "$TMP/usr/local/share/ca-certificates/"; n=$((n + 1))
done
[ "$n" = 0 ] || log "added $n local CA certificate(s) from $LOCAL_CA_DIR (trusted once ca-certificates is installed)"

log "importing as $IMAGE"
tar -C "$TMP" -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$IMAGE" >/dev/null
log "done in $(( $(date +%s) - start ))s: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
