// The lab's daemons as data: how each starts, its PID file and program (to recognise it), its log,
// and the endpoints that must answer before it counts as up.
import { existsSync, readFileSync } from 'node:fs';
import { ADDR, PEBBLE_ACME_PORT, PEBBLE_MGMT_PORT, UNSIGNED_ZONE, ZONE } from './layout.ts';
import type { Layout, SshHost, MailHost } from './layout.ts';
import { spawnDaemon, startDaemonizing } from './procs.ts';
import { sshdArgv } from './sshd.ts';
import { postfixArgv } from './postfix.ts';
import { dovecotArgv } from './dovecot.ts';
import { knotdArgv } from './knot.ts';
import { unboundArgv } from './unbound.ts';
import { pebbleArgv, PEBBLE_ENV } from './pebble.ts';

export interface Endpoint {
  address: string;
  port: number;
  /**
   * tcp: accepts a connection; tls: accepts, and the handshake result is reported (not required:
   * other tests break certificates on purpose); dns: answers SOA of `zone` (with AD when `ad`).
   */
  kind: 'tcp' | 'tls' | 'dns';
  label: string;
  zone?: string;
  ad?: boolean;
}

export interface Component {
  id: string;
  host: string;
  program: string;
  pidFile: string;
  log: string;
  endpoints: Endpoint[];
  start(): Promise<void>;
  /** Extra state worth showing in `status` (ns2: held back). */
  note?(): string | undefined;
}

/** Runs a self-daemonizing start command; its own output lands in the component's log. */
async function started(argv: string[], log: string): Promise<void> {
  const code = await startDaemonizing(argv, log);
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}`);
}

const tcp = (address: string, port: number, label: string): Endpoint => ({ address, port, kind: 'tcp', label });
const tls = (address: string, port: number, label: string): Endpoint => ({ address, port, kind: 'tls', label });

function sshd(l: Layout, h: SshHost): Component {
  return {
    id: `${h}-sshd`, host: h, program: 'sshd', pidFile: l[h].sshdPid, log: l[h].sshdLog,
    endpoints: [tcp(ADDR[h], 22, 'ssh')],
    start: () => started(sshdArgv(l, h), l[h].sshdLog),
  };
}

function postfix(l: Layout, h: MailHost): Component {
  return {
    id: `${h}-postfix`, host: h, program: 'master', pidFile: l[h].postfixPid, log: l[h].postfixLog,
    endpoints: [tcp(ADDR[h], 25, 'smtp'), tcp(ADDR[h], 587, 'submission'), tls(ADDR[h], 465, 'submissions')],
    start: () => started(postfixArgv(l, h, 'start'), l[h].postfixLog),
  };
}

function dovecot(l: Layout, h: MailHost): Component {
  return {
    id: `${h}-dovecot`, host: h, program: 'dovecot', pidFile: l[h].dovecotPid, log: l[h].dovecotLog,
    endpoints: [tcp(ADDR[h], 143, 'imap'), tls(ADDR[h], 993, 'imaps'), tcp(ADDR[h], 110, 'pop3'),
      tls(ADDR[h], 995, 'pop3s'), tcp(ADDR[h], 4190, 'managesieve')],
    start: () => started(dovecotArgv(l, h), l[h].dovecotLog),
  };
}

function knot(l: Layout, n: 'ns1' | 'ns2'): Component {
  const zones = n === 'ns1' ? [ZONE, UNSIGNED_ZONE] : [ZONE];
  return {
    id: `${n}-knot`, host: n, program: 'knotd', pidFile: l.dns[n].pid, log: l.dns[n].log,
    endpoints: zones.map((zone) => ({ address: ADDR[n], port: 53, kind: 'dns' as const, label: `dns ${zone}`, zone })),
    start: () => started(knotdArgv(l.dns[n].config), l.dns[n].log),
    note: () => (n === 'ns2' && existsSync(l.dns.holdMarker) ? `held back since ${readFileSync(l.dns.holdMarker, 'utf8').trim()}` : undefined),
  };
}

function unbound(l: Layout): Component {
  return {
    id: 'resolver-unbound', host: 'resolver', program: 'unbound', pidFile: l.dns.unbound.pid, log: l.dns.unbound.log,
    endpoints: [
      { address: ADDR.resolver, port: 53, kind: 'dns', label: `dns ${ZONE} (AD)`, zone: ZONE, ad: true },
      { address: ADDR.resolver, port: 53, kind: 'dns', label: `dns ${UNSIGNED_ZONE}`, zone: UNSIGNED_ZONE },
    ],
    start: () => started(unboundArgv(l), l.dns.unbound.log),
  };
}

function pebble(l: Layout): Component {
  return {
    id: 'pebble', host: 'pebble', program: 'pebble', pidFile: l.pebble.pid, log: l.pebble.log,
    endpoints: [tcp(ADDR.pebble, PEBBLE_ACME_PORT, 'acme'), tcp(ADDR.pebble, PEBBLE_MGMT_PORT, 'management')],
    start: async () => void spawnDaemon(pebbleArgv(l), l.pebble.pid, l.pebble.log, PEBBLE_ENV),
  };
}

/** In start order; `down` goes backwards. */
export function components(l: Layout) {
  return {
    dns: [knot(l, 'ns1'), knot(l, 'ns2')],
    resolver: [unbound(l)],
    acme: [pebble(l)],
    hosts: [sshd(l, 'mx1'), sshd(l, 'mx2'), sshd(l, 'npm'), postfix(l, 'mx1'), postfix(l, 'mx2'), dovecot(l, 'mx1')],
  };
}

export function allComponents(l: Layout): Component[] {
  const c = components(l);
  return [...c.dns, ...c.resolver, ...c.acme, ...c.hosts];
}
