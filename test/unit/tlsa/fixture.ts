// A DANE name served by two hosts, with real key SPKIs (node:crypto), authoritative answers
// from two servers plus a validating resolver, and probes of every endpoint. Tests change one
// fact and look at the OwnerView and the publish/retire change sets.
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { TlsaExpectation } from '../../../src/inventory/types.ts';
import type { CertFacts, DnsAnswer, Live, ProbeResult, TlsaRecord } from '../../../src/state/types.ts';
import type { DesiredTlsa } from '../../../src/plan/types.ts';
import { ownerView, type OwnerView } from '../../../src/plan/tlsa-view.ts';

export const OWNER = '_25._tcp.mx.example.test';
export const NS = ['192.0.2.53:53', '192.0.2.54:53'];
export const NOW = new Date('2026-11-22T12:00:00.000Z');

export function spki(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export const rec = (data: string, usage = 3, selector = 1, matchingType = 1): TlsaRecord => ({ usage, selector, matchingType, data });
export const text = (r: TlsaRecord) => `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`;

export function expectation(over: Partial<TlsaExpectation> = {}): TlsaExpectation {
  return {
    owner: OWNER, hostname: 'mx.example.test', port: 25, zone: 'example.test', scheme: 'current+next',
    usage: 3, selector: 1, matchingType: 1, holdSeconds: 5,
    servedBy: [{ host: 'a', service: 'postfix' }, { host: 'b', service: 'postfix' }],
    loc: { file: 'hosts.yaml', line: 1, column: 1 }, ...over,
  };
}

function facts(spkiHex: string): CertFacts {
  return { subject: 'CN=mx.example.test', issuer: 'CN=CA', serial: '01', names: ['mx.example.test'], notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', fingerprint: 'f'.repeat(64), spki: spkiHex, keyAlgorithm: 'ecdsa', selfSigned: false };
}

export interface World {
  /** Per host: the SPKI its port 25 serves, or undefined when the probe failed. */
  served: Record<'a' | 'b', string | undefined>;
  desired: string[];
  /** Per authoritative server: the records it answers with (undefined: no answer). */
  ns: (TlsaRecord[] | undefined)[];
  resolver?: TlsaRecord[];
  firstSeen?: Record<string, string>;
  maxTtl?: number;
  expectation?: Partial<TlsaExpectation>;
}

export function view(w: World): OwnerView {
  const e = expectation(w.expectation);
  const probe = (host: 'a' | 'b'): ProbeResult => {
    const s = w.served[host];
    return { host, service: 'postfix', address: host === 'a' ? '192.0.2.1' : '192.0.2.2', port: 25, starttls: 'smtp', sni: e.hostname, ok: !!s, ...(s ? { chain: [facts(s)] } : { error: { code: 'timeout', message: 'no answer' } }) };
  };
  const answer = (server: string, records: TlsaRecord[] | undefined, ad = false): DnsAnswer =>
    records ? { server, rcode: 'NOERROR', ad, ttl: 10, records, soaSerial: 7 } : { server, rcode: 'NO_RESPONSE', ad: false, records: [], error: 'timeout: no answer' };
  const live: Live = {
    gatheredAt: NOW.toISOString(),
    hosts: (['a', 'b'] as const).map((h) => ({ host: h, reachable: true, problems: [], services: [{ host: h, service: 'postfix', files: [], probes: [probe(h)] }] })),
    tlsa: [{ owner: OWNER, authoritative: w.ns.map((r, i) => answer(NS[i]!, r)), ...(w.resolver ? { resolver: answer('192.0.2.99:53', w.resolver, true) } : {}) }],
    problems: [],
  };
  const servedSpkis = [...new Set(Object.values(w.served).filter((s): s is string => !!s))].sort();
  const desired: DesiredTlsa = {
    owner: OWNER, zone: 'example.test', scheme: e.scheme,
    records: [...new Set([...servedSpkis, ...w.desired])].sort().map((d) => rec(d, e.usage, e.selector, e.matchingType)),
    desiredSpkis: [...w.desired].sort(), servedSpkis, holdSeconds: e.holdSeconds, servedBy: e.servedBy, loc: e.loc,
  };
  return ownerView({
    expectation: e, desired, live,
    firstSeen: new Map(Object.entries(w.firstSeen ?? {})),
    maxTtl: new Map(w.maxTtl !== undefined ? [[OWNER, w.maxTtl]] : []),
    now: NOW,
  });
}

export const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
export const seenKey = (r: TlsaRecord) => `${OWNER}|${text(r)}`;
