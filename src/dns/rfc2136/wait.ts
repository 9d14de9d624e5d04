// After an update: ask every authoritative server directly (RD=0) until each has at least the
// primary's new serial, serves every added record and none of the removed ones — or time is up.
import { query } from '../../probe/dns/client.ts';
import { serialGt } from '../../probe/dns/propagation.ts';
import { normalizeName } from '../../probe/dns/wire.ts';
import type { DnsRecord } from '../../probe/dns/types.ts';
import type { RecordChanges, RR } from '../types.ts';
import { rdata } from './script.ts';

export interface ServerCheck {
  server: string;
  ok: boolean;
  serial?: number;
  detail?: string;
}

/** The zone's SOA serial at `server` (RD=0); undefined when it has none to give. */
export async function zoneSerial(server: string, zone: string, timeoutMs: number): Promise<number | undefined> {
  const r = await query({ server, name: zone, type: 'SOA', dnssec: false, recursion: false, timeoutMs, retries: 1 });
  const soa = r.answers.find((x) => x.type === 'SOA');
  return soa && soa.type === 'SOA' ? soa.data.serial : undefined;
}

export async function checkServer(server: string, zone: string, changes: RecordChanges, minSerial: number | undefined, timeoutMs: number): Promise<ServerCheck> {
  try {
    const serial = await zoneSerial(server, zone, timeoutMs);
    const base: ServerCheck = { server, ok: false, ...(serial !== undefined ? { serial } : {}) };
    if (minSerial !== undefined && (serial === undefined || serialGt(minSerial, serial))) {
      return { ...base, detail: `serial ${serial ?? 'none'} < ${minSerial}` };
    }
    for (const [name, type] of rrsets(changes)) {
      const r = await query({ server, name, type, dnssec: false, recursion: false, timeoutMs, retries: 1 });
      const have = new Set(r.answers.filter((x) => x.type === type).map(key));
      const missing = changes.add.filter((rr) => same(rr, name, type) && !have.has(rrKey(rr)));
      const stale = changes.remove.filter((rr) => same(rr, name, type) && have.has(rrKey(rr)));
      if (missing.length || stale.length) return { ...base, detail: `${name} ${type}: ${missing.length} not yet added, ${stale.length} not yet removed` };
    }
    return { ...base, ok: true };
  } catch (e) {
    return { server, ok: false, detail: (e as Error).message };
  }
}

export async function waitForPropagation(
  servers: string[],
  zone: string,
  changes: RecordChanges,
  minSerial: number | undefined,
  o: { timeoutMs: number; intervalMs: number; queryTimeoutMs: number },
): Promise<ServerCheck[]> {
  const deadline = Date.now() + o.timeoutMs;
  let pending = servers;
  const done = new Map<string, ServerCheck>();
  for (;;) {
    const checks = await Promise.all(pending.map((s) => checkServer(s, zone, changes, minSerial, o.queryTimeoutMs)));
    for (const c of checks) done.set(c.server, c);
    pending = checks.filter((c) => !c.ok).map((c) => c.server);
    if (!pending.length || Date.now() + o.intervalMs > deadline) break;
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
  return servers.map((s) => done.get(s)!);
}

function rrsets(changes: RecordChanges): [string, RR['type']][] {
  const seen = new Map<string, [string, RR['type']]>();
  for (const rr of [...changes.add, ...changes.remove]) seen.set(`${normalizeName(rr.name)} ${rr.type}`, [normalizeName(rr.name), rr.type]);
  return [...seen.values()];
}

function same(rr: RR, name: string, type: string): boolean {
  return normalizeName(rr.name) === name && rr.type === type;
}

function rrKey(rr: RR): string {
  return rdata(rr); // TLSA hex is already lowercase; TXT stays case-sensitive
}

function key(r: DnsRecord): string {
  if (r.type === 'TLSA') return `${r.data.usage} ${r.data.selector} ${r.data.matchingType} ${r.data.data}`;
  if (r.type === 'TXT') return r.data.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
  return '';
}
