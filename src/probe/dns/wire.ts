// Pure message handling on top of dns-packet: build a query, check that a reply answers it
// (id, QR, question), turn dns-packet's records into our plain DnsRecord data.
import * as packet from 'dns-packet';
import { randomInt } from 'node:crypto';
import type { DnsRecord, QueryResult, QueryType, SoaData } from './types.ts';

export const EDNS_UDP_SIZE = 1232;

export interface BuiltQuery {
  id: number;
  name: string;
  type: QueryType;
  message: packet.Packet;
}

/** Lowercase, without the trailing dot: the form names are compared in. */
export function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') && n !== '.' ? n.slice(0, -1) : n;
}

export function buildQuery(name: string, type: QueryType, opts: { dnssec: boolean; recursion: boolean; id?: number }): BuiltQuery {
  const id = opts.id ?? randomInt(0, 65536);
  let flags = 0;
  if (opts.recursion) flags |= packet.RECURSION_DESIRED;
  if (opts.dnssec) flags |= packet.AUTHENTIC_DATA;
  const opt: packet.OptAnswer = {
    type: 'OPT',
    name: '.',
    udpPayloadSize: EDNS_UDP_SIZE,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: opts.dnssec ? packet.DNSSEC_OK : 0,
    flag_do: opts.dnssec,
    options: [],
  };
  const message: packet.Packet = {
    type: 'query',
    id,
    flags,
    questions: [{ name: normalizeName(name), type, class: 'IN' }],
    additionals: [opt],
  };
  return { id, name: normalizeName(name), type, message };
}

type Decoded = packet.DecodedPacket & { rcode?: string };

/** Why a reply does not answer our query, or undefined when it does. */
export function mismatch(q: BuiltQuery, reply: Decoded): string | undefined {
  if (reply.type !== 'response') return 'not a response (QR clear)';
  if (reply.id !== q.id) return `id ${reply.id} does not match query id ${q.id}`;
  const qs = reply.questions ?? [];
  // Some servers drop the question on FORMERR/NOTIMP/REFUSED; anything else must echo it.
  if (qs.length === 0 && reply.rcode && reply.rcode !== 'NOERROR' && reply.rcode !== 'NXDOMAIN') return undefined;
  if (qs.length !== 1) return `reply has ${qs.length} questions`;
  const rq = qs[0]!;
  if (normalizeName(rq.name) !== q.name || rq.type !== q.type || (rq.class ?? 'IN') !== 'IN') {
    return `question ${rq.name} ${rq.type} does not match ${q.name} ${q.type}`;
  }
  return undefined;
}

export function decodeMessage(buf: Buffer): Decoded {
  return packet.decode(buf) as Decoded;
}

/** The full rcode: header bits plus the EDNS extended bits. */
function fullRcode(reply: Decoded): string {
  const opt = (reply.additionals ?? []).find((a): a is packet.OptAnswer => a.type === 'OPT');
  if (opt && opt.extendedRcode) return opt.extendedRcode === 1 ? 'BADVERS' : `RCODE_${opt.extendedRcode << 4}`;
  return reply.rcode ?? 'NOERROR';
}

export function toResult(reply: Decoded, server: string, transport: 'udp' | 'tcp', attempts: number): QueryResult {
  const answers = (reply.answers ?? []).flatMap(toRecord);
  const authority = (reply.authorities ?? []).flatMap(toRecord);
  const soa = authority.find((r) => r.type === 'SOA');
  const result: QueryResult = {
    server,
    transport,
    rcode: fullRcode(reply),
    flags: { aa: reply.flag_aa, ad: reply.flag_ad, tc: reply.flag_tc, ra: reply.flag_ra, rd: reply.flag_rd, cd: reply.flag_cd },
    answers,
    authority,
    attempts,
  };
  if (soa && soa.type === 'SOA') result.authoritySoa = soa;
  return result;
}

/** RFC 4034 Appendix B key tag over the DNSKEY RDATA. */
export function keyTag(flags: number, algorithm: number, key: Buffer): number {
  const rdata = Buffer.concat([Buffer.from([flags >> 8, flags & 0xff, 3, algorithm]), key]);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

export function toRecord(a: packet.Answer): DnsRecord[] {
  if (a.type === 'OPT') return [];
  const name = normalizeName(a.name);
  const ttl = a.ttl ?? 0;
  switch (a.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return [{ name, ttl, type: a.type, data: normalizeName(String(a.data)) }];
    case 'TLSA':
      return [{ name, ttl, type: 'TLSA', data: { usage: a.data.usage, selector: a.data.selector, matchingType: a.data.matchingType, data: a.data.certificate.toString('hex').toLowerCase() } }];
    case 'MX':
      return [{ name, ttl, type: 'MX', data: { preference: a.data.preference ?? 0, exchange: normalizeName(a.data.exchange) } }];
    case 'SOA':
      return [{ name, ttl, type: 'SOA', data: soaData(a.data) }];
    case 'DNSKEY':
      return [{ name, ttl, type: 'DNSKEY', data: { flags: a.data.flags, algorithm: a.data.algorithm, keyTag: keyTag(a.data.flags, a.data.algorithm, a.data.key) } }];
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return [{ name, ttl, type: 'TXT', data: parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : p)) }];
    }
    case 'RRSIG': {
      const d = a.data;
      return [{ name, ttl, type: 'RRSIG', data: { typeCovered: d.typeCovered, algorithm: d.algorithm, labels: d.labels, originalTTL: d.originalTTL, expiration: d.expiration, inception: d.inception, keyTag: d.keyTag, signersName: normalizeName(d.signersName) } }];
    }
    default:
      return [{ name, ttl, type: 'OTHER', data: { rrtype: a.type } }];
  }
}

function soaData(d: packet.SoaData): SoaData {
  return {
    mname: normalizeName(d.mname),
    rname: normalizeName(d.rname),
    serial: d.serial ?? 0,
    refresh: d.refresh ?? 0,
    retry: d.retry ?? 0,
    expire: d.expire ?? 0,
    minimum: d.minimum ?? 0,
  };
}
