#!/usr/bin/env bash
# Installs everything `make run`, `make test` and `make bench` need on Debian 12.
# Idempotent: packages already present are skipped, npm ci runs only when node_modules is stale.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake make ccache pkg-config
  librestinio-dev libasio-dev libssl-dev libfmt-dev libhttp-parser-dev
  libsoci-dev libboost-dev libsqlite3-dev sqlite3 libpq-dev
  nlohmann-json3-dev rapidjson-dev libsodium-dev libzstd-dev zlib1g-dev
  libspdlog-dev libcli11-dev libtomlplusplus-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk postgresql-15 curl python3-aiosmtpd
  chromium fonts-noto-cjk  # Chinese text in browser tests, screenshots and Lighthouse runs (else tofu boxes)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, only when package-lock.json changed since the last install.
for dir in web tests/e2e tests/s3; do
  if [ -f "$dir/package-lock.json" ]; then
    stamp="$dir/node_modules/.install-stamp"
    if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
      touch "$stamp"
    fi
  fi
done
