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
# The main job. Each step runs when its verb exists; as plan/apply land they are filled in here:
#   - status: what is live (files, served certificates, TLSA)
#   - plan:   nothing to do while served = disk = source = TLSA
#   - `npm run lab -- renew --new-key` (the npm host renews with a new key, like certbot)
#   - plan:   the rollover (publish next TLSA, hold, deploy, retire old TLSA)
#   - apply:  the full rotation, then plan again: empty
# ---------------------------------------------------------------------------------------------
has_verb() { node bin/mailtls.js help "$1" >/dev/null 2>&1; }

if has_verb status; then
  step "mailtls status"
  node bin/mailtls.js status -f hosts.yaml || true
fi
if has_verb plan; then
  step "mailtls plan (the lab starts consistent: expect no changes)"
  node bin/mailtls.js plan -f hosts.yaml || true
fi
if has_verb apply; then
  step "the npm host renews with a new key"
  node --import tsx test/lab/cli.ts renew --new-key
  step "mailtls plan (the DANE rollover)"
  node bin/mailtls.js plan -f hosts.yaml || true
  step "mailtls apply"
  node bin/mailtls.js apply -f hosts.yaml
  step "mailtls plan (expect no changes)"
  node bin/mailtls.js plan -f hosts.yaml
fi

step "done — the lab keeps running; stop it with: npm run lab -- down"
