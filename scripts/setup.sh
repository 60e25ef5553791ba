#!/usr/bin/env bash
# Installs and builds everything the main job and the tests need, on a fresh Debian machine:
# Debian packages, npm dependencies, code-server, the Kafka jars, the bundle and the VSIX.
# Idempotent: what is already there is skipped. Set MQX_KAFKA_VERSIONS to choose which jars.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[setup] %s\n' "$*"; }
START=$(date +%s)

# --- Debian packages ------------------------------------------------------------------------
# kcat: independent client for cross-checks and benchmarks. chromium: UI tests. libkrb5-dev and
# ripgrep: code-server's install. docker-compose: a real Compose parser for the compose file test.
# rabbitmq-server and beanstalkd: the tests start private servers from them (never the system
# service); amqp-tools: an independent AMQP client for cross-checks.
need=()
for pkg in kcat chromium libkrb5-dev ripgrep docker-compose rabbitmq-server amqp-tools beanstalkd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})"
    exit 1
  fi
  SUDO=$([[ $(id -u) -eq 0 ]] && echo "" || echo "sudo")
  log "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  # Chromium with its recommends (fonts for readable screenshots); the rest without (docker-compose
  # would pull in the Docker engine, which is not needed to parse a file).
  lean=("${need[@]/chromium}")
  [[ " ${need[*]} " == *" chromium "* ]] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  [[ -n "${lean[*]// /}" ]] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ${lean[@]} >/dev/null
fi
command -v java >/dev/null || { log "Java 17+ is required for the Kafka broker (apt-get install openjdk-17-jre-headless)"; exit 1; }
command -v mvn >/dev/null || { log "Maven is required to fetch the Kafka jars (apt-get install maven)"; exit 1; }

# --- npm dependencies -----------------------------------------------------------------------
# One `npm ci` at a time per node_modules folder (npm ci empties it first, through a worktree's
# symlink too; see install-code-server.sh), and one retry: npm ci starts by emptying the folder, so
# the second try starts clean.
LOCK_HASH=$(sha256sum package-lock.json | cut -d' ' -f1)
NPM_LOCK="$(node -p "require('os').tmpdir()")/mqx-npm-ci-$(realpath -m node_modules | sha256sum | cut -c1-16).lock"
exec 8>"$NPM_LOCK"
flock -n 8 || { log "another npm ci into $(realpath -m node_modules) is running; waiting for it"; flock -w 1800 8; }
if [[ ! -f node_modules/.mqx-lock-hash || "$(cat node_modules/.mqx-lock-hash)" != "$LOCK_HASH" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error 8>&- || { log "npm ci failed; trying once more"; npm ci --no-audit --no-fund --loglevel=error 8>&-; }
  echo "$LOCK_HASH" > node_modules/.mqx-lock-hash
fi
exec 8>&-

# --- code-server (a real VS Code for the in-host and UI tests) -------------------------------
bash scripts/install-code-server.sh

# --- build: bundle, VSIX, compiled tests ------------------------------------------------------
log "building"
npx tsc -p .
npm run -s package >/dev/null
log "built dist/mq-explorer.vsix ($(du -k dist/mq-explorer.vsix | cut -f1) KB)"

# --- Kafka jars (Maven Central, cached in .cache/kafka) ---------------------------------------
for version in ${MQX_KAFKA_VERSIONS:-3.9.2 4.4.0}; do
  node out/test/harness/cli.js fetch --version "$version" >/dev/null
done
log "ready in $(( $(date +%s) - START )) s"
