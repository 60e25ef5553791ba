#!/usr/bin/env bash
# Installs the pinned code-server (test/code-server) used by the in-host and browser test layers.
# Idempotent: a stamp of package-lock.json makes a second run a fast no-op.
# Only npm, Debian and Maven Central are reachable, so the two things code-server's install would
# fetch from the internet (ripgrep from GitHub, Node headers from nodejs.org) are supplied locally.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CS_DIR="$ROOT/test/code-server"
BIN="$CS_DIR/node_modules/.bin/code-server"
STAMP="$CS_DIR/node_modules/.install-stamp"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

# code-server writes a default config.yaml under XDG_CONFIG_HOME on every start, even for --version:
# keep that out of the home folder and print only the version line.
cs_version() {
  local cfg rc=0 out
  cfg="$(mktemp -d)"
  out="$(XDG_CONFIG_HOME="$cfg" XDG_DATA_HOME="$cfg" "$BIN" --version 2>&1)" || rc=$?
  rm -rf "$cfg"
  printf '%s\n' "$out" | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || { printf '%s\n' "$out" >&2; return 1; }
  return "$rc"
}

lock_hash() { sha256sum "$CS_DIR/package.json" "$CS_DIR/package-lock.json" | sha256sum | cut -d' ' -f1; }

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$(lock_hash)" ]]; then
  if VERSION="$(cs_version 2>/dev/null)"; then
    log "already installed: $VERSION"
    exit 0
  fi
  log "stamp matches but code-server does not run; reinstalling"
fi

# @vscode/ripgrep's postinstall downloads a release from GitHub unless its cache already holds it.
# A tar.gz with Debian's rg at its root satisfies it (it only extracts the archive).
RG="$(command -v rg || true)"
if [[ -z "$RG" ]]; then
  log "ripgrep (rg) is required: apt-get install -y ripgrep"
  exit 1
fi
TMP_ROOT="$(node -p "require('os').tmpdir()")"
RG_CACHE="$TMP_ROOT/vscode-ripgrep-cache-1.15.11"
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$RG_TGZ" ]]; then
  log "seeding ripgrep cache $RG_TGZ from $RG"
  mkdir -p "$RG_CACHE"
  STAGE="$(mktemp -d)"
  cp "$RG" "$STAGE/rg"
  # Write to a temp name then rename so a concurrent install never sees half an archive.
  tar -czf "$RG_TGZ.partial.$$" -C "$STAGE" rg
  mv -f "$RG_TGZ.partial.$$" "$RG_TGZ"
  rm -rf "$STAGE"
fi

# node-gyp cannot download headers here; the Debian nodejs package ships them under /usr.
CONFIGURED_NODEDIR="$(npm config get nodedir 2>/dev/null || true)"
if [[ -z "${npm_config_nodedir:-}" && ( -z "$CONFIGURED_NODEDIR" || "$CONFIGURED_NODEDIR" == "null" || "$CONFIGURED_NODEDIR" == "undefined" ) ]]; then
  if [[ -f /usr/include/node/node.h ]]; then
    export npm_config_nodedir=/usr
    log "using npm_config_nodedir=/usr"
  else
    log "warning: no nodedir configured and /usr/include/node/node.h missing; native builds may fail"
  fi
fi

# allowScripts in test/code-server/package.json approves code-server and argon2. code-server's
# postinstall then runs nested `npm install`s in lib/vscode whose native modules (node-pty, spdlog,
# @vscode/ripgrep, ...) cannot be approved from here: npm passes its config to lifecycle scripts as
# env vars and rejects allow-scripts from env/CLI in project installs. So keep npm's default policy
# (run with a notice) even where a machine sets strict-allow-scripts.
export npm_config_strict_allow_scripts=false

cd "$CS_DIR"
log "npm ci in $CS_DIR"
START=$(date +%s)
npm_config_yes=true npm_config_unsafe_perm=true npm ci --no-audit --no-fund
log "npm ci took $(( $(date +%s) - START )) s"

if ! VERSION="$(cs_version)"; then
  log "code-server --version failed"
  exit 1
fi
log "installed: $VERSION"
lock_hash >"$STAMP"
