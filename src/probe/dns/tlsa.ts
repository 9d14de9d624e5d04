// TLSA facts for one owner name: the validating resolver's view (AD bit) and every
// authoritative server's own answer with its SOA serial, so propagation can be judged.
// Every failure is recorded in the DnsAnswer as data; nothing here throws for a server's sake.
import type { DnsAnswer, TlsaLive, TlsaRecord } from '../../state/types.ts';
import { query } from './client.ts';
import { DnsError, type QueryResult } from './types.ts';
import { normalizeName } from './wire.ts';

export interface GatherTlsaOptions {
  /** `_25._tcp.mx1.example.org` */
  owner: string;
  /** Validating resolver `addr[:port]`; absent: no resolver view. */
  resolver?: string;
  /** Every authoritative server `addr[:port]`, asked directly (RD=0). */
  authoritative: string[];
  /** Zone apex whose SOA serial is read; default: found from the authority section. */
  zone?: string;
  timeoutMs?: number;
  retries?: number;
}

/** `rcode` when no DNS answer was received at all (see `error` for why). */
export const NO_RESPONSE = 'NO_RESPONSE';

export async function gatherTlsa(o: GatherTlsaOptions): Promise<TlsaLive> {
  const tune = { timeoutMs: o.timeoutMs ?? 2000, retries: o.retries ?? 1 };
  const [resolver, ...authoritative] = await Promise.all([
    o.resolver ? askResolver(o.owner, o.resolver, tune) : Promise.resolve(undefined),
    ...o.authoritative.map((s) => askAuthoritative(o.owner, s, o.zone, tune)),
  ]);
  const live: TlsaLive = { owner: normalizeName(o.owner), authoritative: authoritative as DnsAnswer[] };
  if (resolver) live.resolver = resolver;
  return live;
}

type Tune = { timeoutMs: number; retries: number };

async function askResolver(owner: string, server: string, tune: Tune): Promise<DnsAnswer> {
  try {
    const r = await query({ server, name: owner, type: 'TLSA', dnssec: true, recursion: true, ...tune });
    const a = fromResult(r);
    a.ad = r.flags.ad;
    if (r.rcode === 'REFUSED') a.error = `refused: ${r.server} refused recursion for ${owner}`;
    return a;
  } catch (e) {
    return noResponse(server, e);
  }
}

async function askAuthoritative(owner: string, server: string, zone: string | undefined, tune: Tune): Promise<DnsAnswer> {
  try {
    // SOA before and after the TLSA read: a serial that moved in between means a zone change
    // raced us, so read once more and report a consistent pair.
    for (let round = 0; ; round++) {
      const before = await soaSerial(server, zone ?? owner, tune);
      const r = await query({ server, name: owner, type: 'TLSA', dnssec: true, recursion: false, ...tune });
      const after = await soaSerial(server, zone ?? owner, tune);
      const a = fromResult(r);
      a.ad = false; // an authoritative server does not validate; AD here means nothing
      const serial = after ?? before;
      if (serial !== undefined) a.soaSerial = serial;
      if (!a.error && !r.flags.aa && r.rcode !== 'REFUSED') a.error = `not-authoritative: ${r.server} answered ${owner} without the AA flag (lame delegation?)`;
      if (before === after || round === 1) return a;
    }
  } catch (e) {
    return noResponse(server, e);
  }
}

/** SOA serial of the zone holding `name`: the answer at the apex, else the authority SOA. */
async function soaSerial(server: string, name: string, tune: Tune): Promise<number | undefined> {
  const r = await query({ server, name, type: 'SOA', dnssec: false, recursion: false, ...tune });
  const soa = r.answers.find((x) => x.type === 'SOA') ?? r.authoritySoa;
  return soa && soa.type === 'SOA' ? soa.data.serial : undefined;
}

function fromResult(r: QueryResult): DnsAnswer {
  const tlsa = r.answers.filter((x) => x.type === 'TLSA');
  const records: TlsaRecord[] = tlsa.map((x) => x.data as TlsaRecord);
  const a: DnsAnswer = { server: r.server, rcode: r.rcode, ad: r.flags.ad, records: sortRecords(records) };
  if (tlsa.length) a.ttl = Math.min(...tlsa.map((x) => x.ttl));
  // The earliest signature over the RRset bounds how long a validator accepts it.
  const expiries = r.answers.flatMap((x) => (x.type === 'RRSIG' && x.data.typeCovered === 'TLSA' ? [x.data.expiration] : []));
  if (expiries.length) a.rrsigExpires = new Date(Math.min(...expiries) * 1000).toISOString();
  if (r.rcode === 'REFUSED') a.error = `refused: ${r.server} refused the query`;
  else if (r.rcode === 'SERVFAIL') a.error = `servfail: ${r.server} answered SERVFAIL (DNSSEC bogus or server failure)`;
  else if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') a.error = `${r.rcode.toLowerCase()}: ${r.server} answered ${r.rcode}`;
  return a;
}

function noResponse(server: string, e: unknown): DnsAnswer {
  const message = e instanceof DnsError ? e.message : `error: ${(e as Error)?.message ?? String(e)}`;
  return { server: e instanceof DnsError ? e.server : server, rcode: NO_RESPONSE, ad: false, records: [], error: message };
}

/** Records in a stable order so RRsets compare by value. */
export function sortRecords(records: TlsaRecord[]): TlsaRecord[] {
  return [...records].sort((a, b) => recordKey(a).localeCompare(recordKey(b)));
}

/** `3 1 1 <hex>` — the presentation form, also the identity of a record. */
export function recordKey(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data.toLowerCase()}`;
}

/** What kind of failure a DnsAnswer records (`timeout`, `unreachable`, `refused`, `servfail`,
 * `not-authoritative`, …): the word before the first colon of `error`. */
export function answerErrorKind(a: DnsAnswer): string | undefined {
  if (!a.error) return undefined;
  const colon = a.error.indexOf(':');
  return colon > 0 ? a.error.slice(0, colon) : a.error;
}
