// Plain data the DNS client returns: decoded records with TTLs, flags, the authority SOA.
// Only identities (hashes, key tags, serials), never anything secret — DNS holds nothing secret.
import type { TlsaRecord } from '../../state/types.ts';

export type QueryType = 'TLSA' | 'A' | 'AAAA' | 'MX' | 'SOA' | 'DNSKEY' | 'TXT' | 'NS' | 'CNAME';

export interface QueryOptions {
  /** `addr[:port]`, port 53 by default; IPv4 or IPv6 (`[v6]:port`). */
  server: string;
  name: string;
  type: QueryType;
  /** Set EDNS0 DO (and AD in the query, RFC 6840 §5.7) to get DNSSEC data and the AD bit. Default true. */
  dnssec?: boolean;
  /** RD: true for a resolver, false when asking an authoritative server directly. Default true. */
  recursion?: boolean;
  /** Per attempt. Default 2000. */
  timeoutMs?: number;
  /** Extra attempts after a timeout. Default 2. */
  retries?: number;
  /** Skip UDP (used for large answers and by tests). */
  tcpOnly?: boolean;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface RrsigData {
  typeCovered: string;
  algorithm: number;
  labels: number;
  originalTTL: number;
  /** Seconds since the epoch. */
  expiration: number;
  inception: number;
  keyTag: number;
  signersName: string;
}

interface Rr<T extends string, D> {
  name: string;
  type: T;
  ttl: number;
  data: D;
}

export type DnsRecord =
  | Rr<'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR' | 'DNAME', string>
  | Rr<'TLSA', TlsaRecord>
  | Rr<'MX', { preference: number; exchange: string }>
  | Rr<'SOA', SoaData>
  | Rr<'DNSKEY', { flags: number; algorithm: number; keyTag: number }>
  | Rr<'TXT', string[]>
  | Rr<'RRSIG', RrsigData>
  /** Anything else: the type name only. */
  | Rr<'OTHER', { rrtype: string }>;

export interface QueryResult {
  /** Canonical `addr:port` that answered. */
  server: string;
  transport: 'udp' | 'tcp';
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, … */
  rcode: string;
  flags: { aa: boolean; ad: boolean; tc: boolean; ra: boolean; rd: boolean; cd: boolean };
  answers: DnsRecord[];
  authority: DnsRecord[];
  /** The zone SOA from the authority section (negative answers, RFC 2308). */
  authoritySoa?: Rr<'SOA', SoaData>;
  /** Attempts spent (UDP + TCP). */
  attempts: number;
}

export type DnsErrorKind = 'timeout' | 'unreachable' | 'malformed' | 'mismatch';

/** No usable answer at all (a DNS rcode such as SERVFAIL is an answer, not a DnsError). */
export class DnsError extends Error {
  readonly kind: DnsErrorKind;
  readonly server: string;
  constructor(kind: DnsErrorKind, server: string, message: string) {
    super(`${kind}: ${message}`);
    this.name = 'DnsError';
    this.kind = kind;
    this.server = server;
  }
}
