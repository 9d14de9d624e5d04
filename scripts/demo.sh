#!/usr/bin/env bash
# npm run demo: everything from a fresh checkout on a Debian machine, as root.
#   1. Node dependencies (npm ci when node_modules is missing or stale)
#   2. the lab: Debian packages, sshd x3, Postfix x2, Dovecot, Knot x2, unbound, pebble (test/lab/)
#   3. mailtls against the lab's inventory (hosts.yaml)
# The lab stays up afterwards (`npm run lab -- down` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules up to date"
fi

step "lab up (Debian packages, daemons on 127.0.10.x / 127.0.20.x / 127.0.30.1)"
node --import tsx test/lab/cli.ts up
node --import tsx test/lab/cli.ts status

step "the lab as mailtls sees it"
node bin/mailtls.js validate -f hosts.yaml

# ---------------------------------------------------------------------------------------------
# The main job, like a tutorial: each command is echoed before it runs, and a command whose exit
# status is not the expected one stops the demo (exit 1).
#   status → plan (nothing to do) → the npm host renews (same key, like `certbot renew`) →
#   plan (the pending deploys, with reasons) → apply (progress, verified on the wire) → plan (empty)
# Afterwards the lab goes back to its baseline (source version 1 deployed), so the demo can run
# again; a demo interrupted half-way is put back at the start of the next run.
# ---------------------------------------------------------------------------------------------
MAILTLS=(node bin/mailtls.js)

# show CMD...: print the command as one would type it (arguments with spaces or quotes in "").
show() {
  local out='$' a
  for a in "$@"; do
    if [[ $a =~ [[:space:]\'\;] ]]; then out+=" \"$a\""; else out+=" $a"; fi
  done
  printf '\n%s\n' "$out"
}

# expect CODE CMD...: echo the command, run it, check its exit status.
expect() {
  local want=$1 rc=0
  shift
  show "$@"
  "$@" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "demo: '$*' exited $rc, expected $want" >&2
    exit 1
  fi
}

# The source back at version 1 and its bytes deployed everywhere. The original certificate
# expires earlier than a renewed one, so this apply allows the `downgrade` guard by name.
baseline() {
  expect 0 node --import tsx -e "const lab = await import('./test/lab/index.ts'); await lab.restoreSource(1)"
  local rc=0
  "${MAILTLS[@]}" plan -f hosts.yaml --detailed-exitcode >/dev/null || rc=$?
  if [ "$rc" -eq 2 ] || [ "$rc" -eq 4 ]; then
    expect 0 "${MAILTLS[@]}" apply -f hosts.yaml --auto-approve --allow downgrade
  fi
  expect 0 "${MAILTLS[@]}" plan -f hosts.yaml --detailed-exitcode
}

step "the lab at its baseline (source version 1 served everywhere)"
baseline

step "mailtls status: what is live (files, served certificates, TLSA)"
expect 0 "${MAILTLS[@]}" status -f hosts.yaml

step "mailtls plan: served = disk = source = TLSA, so nothing to do"
expect 0 "${MAILTLS[@]}" plan -f hosts.yaml --detailed-exitcode

step "the npm host renews its certificate (same key, like certbot renew)"
expect 0 node --import tsx test/lab/cli.ts renew

step "mailtls plan: the pending deploys and why (exit 2 = changes pending)"
expect 2 "${MAILTLS[@]}" plan -f hosts.yaml --detailed-exitcode

step "mailtls apply: stage, check, swap, reload, verify on the wire"
expect 0 "${MAILTLS[@]}" apply -f hosts.yaml --auto-approve

step "mailtls plan again: nothing left to do"
expect 0 "${MAILTLS[@]}" plan -f hosts.yaml --detailed-exitcode

step "putting the lab back to its baseline for the next run"
baseline

step "done — the lab keeps running; stop it with: npm run lab -- down"
