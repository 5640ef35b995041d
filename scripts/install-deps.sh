#!/usr/bin/env bash
# Installs the Debian 12 packages zenhub builds, runs and tests with, but only those that are
# missing, so a warm machine pays one dpkg query and nothing else. Run as root or with sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  capnproto libcapnp-dev
  libboost1.74-dev libboost-filesystem1.74-dev
  libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libsystemd-dev systemd libcrypt-dev libssl-dev openssl libexpat1-dev
  python3 procps
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
