// Do all authoritative servers agree? The leader is the highest SOA serial seen; a server with
// a lower serial lags, one with the leader's serial but another RRset differs (a broken
// transfer), one with an error cannot be judged and so never counts as agreeing.
import type { DnsAnswer, TlsaLive, TlsaRecord } from '../../state/types.ts';
import { recordKey, sortRecords } from './tlsa.ts';

export type ServerState = 'current' | 'lagging' | 'differs' | 'error' | 'missing-expected';

export interface Propagation {
  /** Every authoritative server answered, with the same serial and the same RRset (and `expect` holds). */
  agreed: boolean;
  /** Highest serial seen. */
  serial?: number;
  /** The RRset the leader serves. */
  records: TlsaRecord[];
  servers: { server: string; state: ServerState; serial?: number; detail?: string }[];
  /** Servers behind the leader (older serial, other RRset, or missing what `expect` wants). */
  lagging: string[];
  /** Servers that gave no usable answer. */
  failed: string[];
}

export interface PropagationExpect {
  /** Records every server must serve. */
  present?: TlsaRecord[];
  /** Records no server may serve any more. */
  absent?: TlsaRecord[];
  /** Serial every server must have reached. */
  minSerial?: number;
}

export function propagation(live: TlsaLive, expect: PropagationExpect = {}): Propagation {
  const ok = live.authoritative.filter((a) => !a.error);
  const serials = ok.map((a) => a.soaSerial).filter((s): s is number => s !== undefined);
  const serial = serials.length ? serials.reduce((m, s) => (serialGt(s, m) ? s : m)) : undefined;
  const leader = ok.find((a) => a.soaSerial === serial) ?? ok[0];
  const leaderSet = setKey(leader?.records ?? []);
  const servers = live.authoritative.map((a) => judge(a, serial, leaderSet, expect));
  const p: Propagation = {
    agreed: live.authoritative.length > 0 && servers.every((s) => s.state === 'current'),
    records: sortRecords(leader?.records ?? []),
    servers,
    lagging: servers.filter((s) => s.state !== 'current' && s.state !== 'error').map((s) => s.server),
    failed: servers.filter((s) => s.state === 'error').map((s) => s.server),
  };
  if (serial !== undefined) p.serial = serial;
  return p;
}

function judge(a: DnsAnswer, serial: number | undefined, leaderSet: string, expect: PropagationExpect): Propagation['servers'][number] {
  const base: Propagation['servers'][number] = { server: a.server, state: 'current' };
  if (a.soaSerial !== undefined) base.serial = a.soaSerial;
  if (a.error) return { ...base, state: 'error', detail: a.error };
  if (serial !== undefined && (a.soaSerial === undefined || serialGt(serial, a.soaSerial))) {
    return { ...base, state: 'lagging', detail: `serial ${a.soaSerial ?? 'unknown'} < ${serial}` };
  }
  if (expect.minSerial !== undefined && (a.soaSerial === undefined || serialGt(expect.minSerial, a.soaSerial))) {
    return { ...base, state: 'lagging', detail: `serial ${a.soaSerial ?? 'unknown'} < expected ${expect.minSerial}` };
  }
  if (setKey(a.records) !== leaderSet) return { ...base, state: 'differs', detail: 'same serial, different TLSA RRset' };
  const have = new Set(a.records.map(recordKey));
  const missing = (expect.present ?? []).filter((r) => !have.has(recordKey(r)));
  const extra = (expect.absent ?? []).filter((r) => have.has(recordKey(r)));
  if (missing.length || extra.length) {
    const parts = [...missing.map((r) => `missing ${recordKey(r)}`), ...extra.map((r) => `still has ${recordKey(r)}`)];
    return { ...base, state: 'missing-expected', detail: parts.join('; ') };
  }
  return base;
}

function setKey(records: TlsaRecord[]): string {
  return sortRecords(records).map(recordKey).join('\n');
}

/** RFC 1982 serial number arithmetic: is a newer than b? */
export function serialGt(a: number, b: number): boolean {
  return a !== b && ((a < b && b - a > 2 ** 31) || (a > b && a - b < 2 ** 31));
}
