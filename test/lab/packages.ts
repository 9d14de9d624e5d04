// Installs the Debian packages the lab runs on, when missing. Apt must not start the system's own
// daemons (they would take the ports and there is no init system): a policy-rc.d says so, and is
// removed afterwards only if we wrote it.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { run, runOk } from './run.ts';

export const PACKAGES = [
  'openssh-server', 'postfix', 'dovecot-imapd', 'dovecot-pop3d', 'dovecot-managesieved',
  'knot', 'knot-dnsutils', 'unbound', 'pebble', 'bind9-dnsutils', 'openssl',
];

export const APT_LINE = `DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES.join(' ')}`;

const POLICY = '/usr/sbin/policy-rc.d';

export async function missingPackages(): Promise<string[]> {
  const r = await run(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...PACKAGES]);
  const installed = new Set(
    r.stdout.split('\n').map((line) => line.trim().split(/\s+/)).filter((f) => f[1] === 'ii').map((f) => f[0]),
  );
  return PACKAGES.filter((p) => !installed.has(p));
}

export class NotRootError extends Error {}

/** Installs what is missing; throws NotRootError (with the exact apt-get line) when not root. */
export async function ensurePackages(log: (s: string) => void): Promise<void> {
  const missing = await missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new NotRootError(`missing Debian packages: ${missing.join(' ')}\nrun as root:\n  apt-get update && ${APT_LINE}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const wrotePolicy = !existsSync(POLICY);
  if (wrotePolicy) writeFileSync(POLICY, '#!/bin/sh\n# written by the mailtls lab: do not start daemons\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => run(['apt-get', 'install', '-y', ...PACKAGES], { env, timeoutMs: 15 * 60_000 });
    const lists = existsSync('/var/lib/apt/lists') ? readdirSync('/var/lib/apt/lists') : [];
    if (!lists.some((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4'))) {
      await runOk(['apt-get', 'update'], { env, timeoutMs: 10 * 60_000 });
    }
    let r = await install();
    if (r.code !== 0) {
      await runOk(['apt-get', 'update'], { env, timeoutMs: 10 * 60_000 });
      r = await install();
    }
    if (r.code !== 0) throw new Error(`apt-get install failed:\n${(r.stderr || r.stdout).slice(-3000)}`);
  } finally {
    if (wrotePolicy) rmSync(POLICY, { force: true });
  }
}
