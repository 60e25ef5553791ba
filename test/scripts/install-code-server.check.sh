#!/usr/bin/env bash
# Checks scripts/install-code-server.sh's rerun safety in under a second, with a stand-in `npm` on
# PATH (the real install takes minutes; what is checked here is the script's own logic):
#  1. a worktree whose node_modules is a symlink to the main checkout's accepts the main install's
#     stamp and never runs npm (it once reinstalled through the symlink, emptying the shared folder);
#  2. what a failed try left (a half-removed node_modules, no stamp) is removed before npm runs;
#  3. a failed npm ci is retried once, from the package folder, after cleaning.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { printf 'install-code-server check: %s\n' "$*" >&2; exit 1; }

for tree in main wt; do
  mkdir -p "$T/$tree/scripts" "$T/$tree/test/code-server"
  cp "$ROOT/scripts/install-code-server.sh" "$T/$tree/scripts/"
  cp "$ROOT/test/code-server/package.json" "$ROOT/test/code-server/package-lock.json" "$T/$tree/test/code-server/"
done
ln -s "$T/main/test/code-server/node_modules" "$T/wt/test/code-server/node_modules"
mkdir -p "$T/bin" "$T/main/test/code-server/node_modules/argon2/build/Release"
echo partial >"$T/main/test/code-server/node_modules/argon2/build/Release/argon2.o"

# The stand-in: `npm ci` records its cwd and what node_modules held, fails the first time (as the
# native build did), then installs a code-server that prints a version.
cat >"$T/bin/npm" <<EOF
#!/usr/bin/env bash
[[ "\$1" == config ]] && { echo /usr; exit 0; }
n=\$(cat "$T/calls" 2>/dev/null || echo 0); echo \$((n + 1)) >"$T/calls"
echo "\$PWD|\$(ls -A node_modules 2>/dev/null | tr '\n' ' ')" >>"$T/seen"
if (( n == 0 )); then
  mkdir -p node_modules/argon2/build && echo half >node_modules/argon2/build/half.o
  echo "gyp: getcwd() failed: No such file or directory" >&2
  exit 1
fi
mkdir -p node_modules/.bin
printf '#!/bin/sh\necho "4.100.3 stand-in with Code 1.100.3"\n' >node_modules/.bin/code-server
chmod +x node_modules/.bin/code-server
EOF
chmod +x "$T/bin/npm"
export PATH="$T/bin:$PATH" TMPDIR="$T"

bash "$T/main/scripts/install-code-server.sh" 2>"$T/main.log" || fail "the install failed: $(cat "$T/main.log")"
[[ "$(cat "$T/calls")" == 2 ]] || fail "expected one failed npm ci and one retry, saw $(cat "$T/calls") runs"
while IFS='|' read -r cwd held; do
  [[ "$cwd" == "$T/main/test/code-server" ]] || fail "npm ran in $cwd, not in the package folder"
  [[ -z "${held// /}" ]] || fail "npm found leftovers in node_modules: $held"
done <"$T/seen"
[[ ! -e "$T/main/test/code-server/node_modules/argon2/build/half.o" ]] || fail "the failed try's files were kept"
[[ -f "$T/main/test/code-server/node_modules/.install-stamp" ]] || fail "no stamp after a successful install"

bash "$T/wt/scripts/install-code-server.sh" 2>"$T/wt.log" || fail "the worktree run failed: $(cat "$T/wt.log")"
[[ "$(cat "$T/calls")" == 2 ]] || fail "the worktree reinstalled the shared code-server: $(cat "$T/wt.log")"
grep -q 'already installed' "$T/wt.log" || fail "the worktree did not report the shared install: $(cat "$T/wt.log")"
echo "install-code-server check: ok"
