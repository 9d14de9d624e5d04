// The safety rules for TLSA records mailtls publishes (dane.md §(a) 5 and 10): SMTP senders
// use only DANE-TA(2) and DANE-EE(3) (RFC 7672), a digest has its exact length, the digest of
// empty input is a broken key-extraction pipeline, and an RRset stays small enough for every
// sender (~12 records). mailtls computes only `3 1 1` data (SPKI SHA-256) itself.
import type { TlsaRecord } from '../state/types.ts';
import { EMPTY_SHA256, EMPTY_SHA512, normalizeTlsaData } from '../pki/index.ts';

/** Largest RRset mailtls will create (Microsoft's outbound reportedly failed above ~12). */
export const MAX_TLSA_RRSET = 12;

const HEX_LEN: Record<number, number> = { 1: 64, 2: 128 };

/** Every reason `rec` must not be published at `_<port>._tcp`; empty when it may. */
export function recordRefusals(rec: TlsaRecord, port: number): string[] {
  const out: string[] = [];
  const text = `${rec.usage} ${rec.selector} ${rec.matchingType}`;
  if (rec.usage === 0 || rec.usage === 1) {
    out.push(port === 25 ? `usage ${rec.usage} (PKIX) on port 25: SMTP senders treat it as unusable (RFC 7672 §3.1.3)` : `usage ${rec.usage} (PKIX) is not a DANE usage mailtls publishes`);
  } else if (rec.usage !== 2 && rec.usage !== 3) out.push(`unknown usage ${rec.usage}`);
  if (rec.selector !== 0 && rec.selector !== 1) out.push(`unknown selector ${rec.selector}`);
  if (rec.matchingType === 0) out.push(`${text}: Full(0) records break on every renewal; use a digest`);
  else if (rec.matchingType !== 1 && rec.matchingType !== 2) out.push(`unknown matching type ${rec.matchingType}`);
  const data = normalizeTlsaData(rec.data);
  if (!/^([0-9a-f]{2})+$/.test(data)) out.push('data is not hex');
  const want = HEX_LEN[rec.matchingType];
  if (want && data.length !== want) out.push(`data has ${data.length} hex digits, matching type ${rec.matchingType} needs ${want}`);
  if (data === EMPTY_SHA256 || data === EMPTY_SHA512) out.push('data is the digest of empty input (a broken key extraction)');
  return out;
}

/** mailtls computes `3 1 1` only (the SPKI SHA-256 it knows of every key); why not, else undefined. */
export function paramsUnsupported(p: { usage: number; selector: number; matchingType: number }): string | undefined {
  if (p.usage === 3 && p.selector === 1 && p.matchingType === 1) return undefined;
  return `the inventory asks for ${p.usage} ${p.selector} ${p.matchingType} records; mailtls computes only 3 1 1 (DANE-EE, SPKI, SHA-256)`;
}
