// TLSA record data and matching, as mail senders do it (RFC 6698, RFC 7671, RFC 7672):
// DANE-EE(3) matches the leaf, DANE-TA(2) any issuer in the served chain, PKIX usages are
// unusable for SMTP, and per (usage, selector) only the strongest matching type present counts.
import { createHash } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { CertFacts, TlsaRecord } from '../state/types.ts';
import { spkiDer } from './facts.ts';
import { namesCovered } from './names.ts';

/** SHA-256 / SHA-512 of empty input: what a broken `openssl … | sha256sum` pipeline publishes. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const EMPTY_SHA512 =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

/** A certificate, a key (its public half is used) or a DER SubjectPublicKeyInfo. */
export type TlsaSource = X509Certificate | KeyObject | Buffer;

const DIGEST: Record<number, string> = { 1: 'sha256', 2: 'sha512' };
const HEX_LEN: Record<number, number> = { 1: 64, 2: 128 };

function isCert(s: unknown): s is X509Certificate {
  return typeof s === 'object' && s !== null && 'raw' in s && 'publicKey' in s;
}

function selected(source: TlsaSource, selector: number): Buffer {
  if (selector === 0) {
    if (!isCert(source)) throw new Error('selector 0 (full certificate) needs a certificate');
    return source.raw;
  }
  if (selector === 1) return Buffer.isBuffer(source) ? source : spkiDer(source);
  throw new Error(`unknown TLSA selector ${selector}`);
}

/** The RDATA association data (lowercase hex) for a selector and matching type. */
export function tlsaData(source: TlsaSource, selector: number, matchingType: number): string {
  const bytes = selected(source, selector);
  if (bytes.length === 0) throw new Error('refusing to hash empty input for a TLSA record');
  if (matchingType === 0) return bytes.toString('hex');
  const alg = DIGEST[matchingType];
  if (!alg) throw new Error(`unknown TLSA matching type ${matchingType}`);
  return createHash(alg).update(bytes).digest('hex');
}

export function tlsaRecord(source: TlsaSource, usage: number, selector: number, matchingType: number): TlsaRecord {
  return { usage, selector, matchingType, data: tlsaData(source, selector, matchingType) };
}

/** Lowercase hex without whitespace, as records are compared. */
export function normalizeTlsaData(data: string): string {
  return data.replace(/\s+/g, '').toLowerCase();
}

/** Parses presentation RDATA `3 1 1 ab cd…`. */
export function parseTlsaRdata(text: string): TlsaRecord {
  const m = /^\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})\s+([0-9a-fA-F\s]+?)\s*$/.exec(text);
  if (!m) throw new Error('TLSA RDATA must be "usage selector matching-type hex-data"');
  return { usage: Number(m[1]), selector: Number(m[2]), matchingType: Number(m[3]), data: normalizeTlsaData(m[4]!) };
}

/** Why a record cannot be used by a mail sender, or undefined when it can. */
export function tlsaUnusableReason(rec: TlsaRecord): string | undefined {
  if (rec.usage === 0 || rec.usage === 1) return `usage ${rec.usage} (PKIX) is unusable for SMTP (RFC 7672 §3.1.3)`;
  if (rec.usage !== 2 && rec.usage !== 3) return `unknown usage ${rec.usage}`;
  if (rec.selector !== 0 && rec.selector !== 1) return `unknown selector ${rec.selector}`;
  if (rec.matchingType > 2) return `unknown matching type ${rec.matchingType}`;
  const data = normalizeTlsaData(rec.data);
  if (!/^[0-9a-f]*$/.test(data) || data.length % 2 !== 0) return 'data is not hex';
  const want = HEX_LEN[rec.matchingType];
  if (want && data.length !== want) return `data is ${data.length / 2} bytes, matching type ${rec.matchingType} needs ${want / 2}`;
  if (data.length === 0) return 'data is empty';
  return undefined;
}

/** A usable record that can never match anything: the digest of empty input. */
export function isEmptyInputDigest(rec: TlsaRecord): boolean {
  const d = normalizeTlsaData(rec.data);
  return d === EMPTY_SHA256 || d === EMPTY_SHA512;
}

export interface TlsaMatchOptions {
  /** Names a DANE-TA(2) leaf must cover (MX host name or next-hop domain); unchecked when absent. */
  names?: string[];
  /** For the DANE-TA(2) expiry check; unchecked when absent. */
  now?: Date;
}

export interface TlsaMatchResult {
  /** The served chain matches at least one record that counts. */
  ok: boolean;
  matched: Array<{ record: TlsaRecord; depth: number }>;
  /** Records that counted (usable and strongest matching type of their usage/selector). */
  considered: TlsaRecord[];
  /** Records that did not count, with the reason. */
  ignored: Array<{ record: TlsaRecord; reason: string }>;
  /** Findings worth showing even when `ok` (empty-input digests, DANE-TA checks that failed). */
  notes: string[];
}

export type ChainEntry = X509Certificate | CertFacts;

/** Matches served `chain` (leaf first) against a TLSA RRset the way Postfix/OpenSSL do. */
export function tlsaMatches(records: TlsaRecord | TlsaRecord[], chain: ChainEntry[], opts: TlsaMatchOptions = {}): TlsaMatchResult {
  const all = Array.isArray(records) ? records : [records];
  const res: TlsaMatchResult = { ok: false, matched: [], considered: [], ignored: [], notes: [] };
  const usable: TlsaRecord[] = [];
  for (const rec of all) {
    const why = tlsaUnusableReason(rec);
    if (why) res.ignored.push({ record: rec, reason: why });
    else usable.push(rec);
    if (!why && isEmptyInputDigest(rec)) res.notes.push(`${rec.usage} ${rec.selector} ${rec.matchingType} record is the digest of empty input`);
  }
  // Digest agility (RFC 7671 §9): strength order Full(0) < SHA2-256(1) < SHA2-512(2).
  const strongest = new Map<string, number>();
  for (const r of usable) {
    const k = `${r.usage}/${r.selector}`;
    strongest.set(k, Math.max(strongest.get(k) ?? -1, r.matchingType));
  }
  for (const r of usable) {
    const best = strongest.get(`${r.usage}/${r.selector}`)!;
    if (r.matchingType < best) res.ignored.push({ record: r, reason: `a stronger matching type (${best}) is present for ${r.usage} ${r.selector}` });
    else res.considered.push(r);
  }
  for (const rec of res.considered) {
    const depths = rec.usage === 3 ? [0] : chain.map((_, i) => i).slice(1);
    for (const d of depths) {
      const entry = chain[d];
      if (!entry) continue;
      const data = entryData(entry, rec.selector, rec.matchingType);
      if (data === undefined) {
        res.notes.push(`${rec.usage} ${rec.selector} ${rec.matchingType} cannot be checked from certificate facts (needs the certificate)`);
        break;
      }
      if (data !== normalizeTlsaData(rec.data)) continue;
      const taProblem = rec.usage === 2 ? daneTaProblem(chain, d, opts) : undefined;
      if (taProblem) {
        res.notes.push(`2 ${rec.selector} ${rec.matchingType} matches depth ${d} but ${taProblem}`);
        continue;
      }
      res.matched.push({ record: rec, depth: d });
      break;
    }
  }
  res.ok = res.matched.length > 0;
  return res;
}

function entryData(entry: ChainEntry, selector: number, matchingType: number): string | undefined {
  if (isCert(entry)) return tlsaData(entry, selector, matchingType);
  if (matchingType !== 1) return undefined;
  return selector === 1 ? entry.spki : entry.fingerprint;
}

/** DANE-TA: the TA must really anchor the leaf, the leaf must name the host and be in date. */
function daneTaProblem(chain: ChainEntry[], depth: number, opts: TlsaMatchOptions): string | undefined {
  for (let i = 0; i < depth; i++) {
    if (!linked(chain[i]!, chain[i + 1]!)) return `the chain is broken between depth ${i} and ${i + 1}`;
  }
  const leaf = chain[0]!;
  if (opts.names?.length) {
    if (namesCovered(leaf, opts.names).covered.length === 0) return `the leaf names none of ${opts.names.join(', ')}`;
  }
  if (opts.now) {
    const notAfter = new Date(isCert(leaf) ? leaf.validTo : leaf.notAfter);
    if (notAfter.getTime() < opts.now.getTime()) return 'the leaf has expired';
  }
  return undefined;
}

function linked(child: ChainEntry, issuer: ChainEntry): boolean {
  if (isCert(child) && isCert(issuer)) {
    try {
      return child.checkIssued(issuer) && child.verify(issuer.publicKey);
    } catch {
      return false;
    }
  }
  const c = isCert(child) ? child.issuer.split('\n').join(', ') : child.issuer;
  const s = isCert(issuer) ? issuer.subject.split('\n').join(', ') : issuer.subject;
  return c === s;
}

/** `_25._tcp.mx1.example.org.` */
export function tlsaOwner(port: number, host: string): string {
  return `_${port}._tcp.${host.replace(/\.$/, '')}.`;
}

/** One zone-file line: `_25._tcp.mx1.example.org. 3600 IN TLSA 3 1 1 <hex>`. */
export function formatTlsa(owner: string, ttl: number, rec: TlsaRecord): string {
  const fqdn = owner.endsWith('.') ? owner : `${owner}.`;
  return `${fqdn} ${ttl} IN TLSA ${rec.usage} ${rec.selector} ${rec.matchingType} ${normalizeTlsaData(rec.data)}`;
}
