#!/usr/bin/env bash
# Installs every build, test and benchmark dependency from Debian packages.
# Idempotent: when everything is already present it only checks and returns.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libzstd-dev libxxhash-dev libgflags-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libre2-dev libsimdjson-dev zlib1g-dev libssl-dev
  libsnappy-dev libbenchmark-dev
  python3 python3-snappy python3-zstandard python3-protobuf curl procps openssl bsdutils
  libprotobuf-dev protobuf-compiler
  chromium rsyslog systemd-journal-remote
)
# Node.js builds the web UI and runs the npm test clients; Debian's own if the machine has none.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
