// Live: what is actually out there, as gathered over SFTP, TLS probes and DNS. Facts only:
// identities and fingerprints, never key material.
import type { Problem } from '../errors/problem.ts';
import type { KeyAlgorithm } from '../inventory/types.ts';

export interface CertFacts {
  subject: string;
  issuer: string;
  serial: string;
  names: string[];
  notBefore: string; // ISO 8601
  notAfter: string;
  /** SHA-256 of the leaf's DER, hex. */
  fingerprint: string;
  /** SHA-256 of the leaf's DER SubjectPublicKeyInfo, hex (the `3 1 1` data). */
  spki: string;
  keyAlgorithm: KeyAlgorithm;
  selfSigned: boolean;
}

export interface KeyFacts {
  algorithm: KeyAlgorithm;
  /** SPKI SHA-256 of the public half. */
  spki: string;
}

export interface FileFacts {
  path: string;
  exists: boolean;
  sha256?: string;
  size?: number;
  mode?: string; // "0600"
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  /** Set when `path` is a symlink. */
  linkTarget?: string;
  /** Certificates found in the file, leaf first as written. */
  certs?: CertFacts[];
  key?: KeyFacts;
  /** Parse errors (not PEM, broken DER…). */
  error?: string;
}

export interface FileSetFacts {
  algorithm: KeyAlgorithm;
  cert: FileFacts;
  key: FileFacts;
  chain?: FileFacts;
  /** Key matches the leaf certificate. */
  keyMatchesCert?: boolean;
  /** Each cert is issued by the next one. */
  chainInOrder?: boolean;
}

export interface ProbeResult {
  host: string;
  service: string;
  address: string;
  port: number;
  starttls?: string;
  sni: string;
  /** Which algorithm the probe forced, when forced. */
  algorithm?: KeyAlgorithm;
  ok: boolean;
  tlsVersion?: string;
  chain?: CertFacts[];
  error?: { code: 'refused' | 'timeout' | 'no-starttls' | 'handshake' | 'protocol' | 'unreachable'; message: string };
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: string; // lowercase hex
}

export interface DnsAnswer {
  server: string;
  rcode: string;
  ad: boolean;
  ttl?: number;
  records: TlsaRecord[];
  soaSerial?: number;
  error?: string;
  /** Expiration (ISO 8601) of the earliest RRSIG covering the TLSA RRset, when the answer carried one. */
  rrsigExpires?: string;
}

/** A/AAAA of a DANE host name through the validating resolver: Postfix ignores TLSA when these do not validate. */
export interface HostAddresses {
  name: string;
  addresses: string[];
  /** Every answer (A and AAAA) carried AD. */
  ad: boolean;
  /** Per family failure (timeout, SERVFAIL…), as data. */
  errors: string[];
}

export interface TlsaLive {
  owner: string;
  resolver?: DnsAnswer;
  authoritative: DnsAnswer[];
  /** The host name's addresses as the resolver sees them; absent when no resolver is configured. */
  hostAddresses?: HostAddresses;
}

export interface ServiceLive {
  host: string;
  service: string;
  files: FileSetFacts[];
  probes: ProbeResult[];
}

export interface HostLive {
  host: string;
  reachable: boolean;
  services: ServiceLive[];
  /** Last-applied manifest found on the host, if any. */
  manifest?: unknown;
  problems: Problem[];
}

export interface Live {
  gatheredAt: string;
  hosts: HostLive[];
  tlsa: TlsaLive[];
  problems: Problem[];
}
