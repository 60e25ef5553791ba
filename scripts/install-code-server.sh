#!/usr/bin/env bash
# Installs the pinned code-server (test/code-server) used by the in-host and browser test layers.
# Idempotent: a stamp of package-lock.json makes a second run a fast no-op.
# Only npm, Debian and Maven Central are reachable, so the two things code-server's install would
# fetch from the internet (ripgrep from GitHub, Node headers from nodejs.org) are supplied locally.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
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

# The stamp is a hash of the two files' content only: a worktree whose node_modules is a symlink to
# the main checkout's reads the same stamp. (It once hashed sha256sum's output, which names the files'
# paths, so every worktree found the shared install stale and reinstalled it through the symlink.)
lock_hash() { cat "${1:-$CS_DIR}/package.json" "${1:-$CS_DIR}/package-lock.json" | sha256sum | cut -d' ' -f1; }
# A stamp written by that older version is still good when the folder node_modules really lives in
# holds the same two files.
legacy_stamp_ok() {
  local home
  home="$(dirname "$NM_REAL")"
  [[ -f "$home/package.json" && -f "$home/package-lock.json" ]] || return 1
  [[ "$(lock_hash "$home")" == "$(lock_hash)" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(sha256sum "$home/package.json" "$home/package-lock.json" | sha256sum | cut -d' ' -f1)" ]]
}

# One install at a time per node_modules folder. `npm ci` first empties node_modules entry by entry,
# following a symlink (a git worktree's test/code-server/node_modules points into the main checkout),
# so a second install started while the first one builds argon2 deletes the folder node-gyp runs in
# ("getcwd() failed: No such file or directory"), and the first one then cannot remove what the second
# one writes (ENOTEMPTY). The lock is keyed by the real path, outside the folder npm ci empties; a run
# that waited finds the other run's stamp and stops there.
NM_REAL="$(realpath -m "$CS_DIR/node_modules")"
LOCK="$(node -p "require('os').tmpdir()")/mqx-install-code-server-$(printf '%s' "$NM_REAL" | sha256sum | cut -c1-16).lock"
exec 9>"$LOCK"
if ! flock -n 9; then
  log "another install into $NM_REAL is running; waiting for it (lock $LOCK)"
  if ! flock -w "${MQX_INSTALL_LOCK_WAIT_S:-1800}" 9; then
    log "gave up waiting for the other install after ${MQX_INSTALL_LOCK_WAIT_S:-1800} s; stop it or remove $LOCK"
    exit 1
  fi
fi

if [[ -x "$BIN" && -f "$STAMP" ]] && { [[ "$(cat "$STAMP")" == "$(lock_hash)" ]] || legacy_stamp_ok; }; then
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

# Empties node_modules (the real folder; a symlink to it stays): whatever a failed or interrupted
# try left there has no stamp and is not trusted. A process still writing into it (an orphaned build
# of a killed run) can make one pass fail with ENOTEMPTY, so try a few passes.
clean_node_modules() {
  [[ -d "$NM_REAL" ]] || return 0
  local pass
  for pass in 1 2 3; do
    find "$NM_REAL" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} + 2>/dev/null && return 0
    log "could not empty $NM_REAL (pass $pass); something may still write into it"
    sleep 2
  done
  find "$NM_REAL" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
}

# npm ci runs from the package folder, which npm never removes (not from inside node_modules, nor
# from a temp dir), and without the lock's file descriptor so its children cannot outlive the lock.
run_npm_ci() {
  (cd "$CS_DIR" && npm_config_yes=true npm_config_unsafe_perm=true npm ci --no-audit --no-fund) 9>&-
}

log "npm ci in $CS_DIR"
START=$(date +%s)
for attempt in 1 2; do
  if [[ -e "$NM_REAL" ]] && [[ -n "$(ls -A "$NM_REAL" 2>/dev/null)" ]]; then
    log "removing what an earlier install left in $NM_REAL"
  fi
  clean_node_modules
  if run_npm_ci; then
    break
  fi
  if [[ $attempt -eq 2 ]]; then
    log "npm ci failed twice; the output above says why"
    exit 1
  fi
  log "npm ci failed; cleaning up and trying once more"
done
log "npm ci took $(( $(date +%s) - START )) s"

if ! VERSION="$(cs_version)"; then
  log "code-server --version failed"
  exit 1
fi
log "installed: $VERSION"
lock_hash >"$STAMP"
