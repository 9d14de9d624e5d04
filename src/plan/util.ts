// Small shared helpers of the plan engine: hashing, canonical JSON, TLSA text, short ids.
import { createHash } from 'node:crypto';
import type { TlsaRecord } from '../state/types.ts';

export function sha256hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with sorted keys: the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .filter((k) => o[k] !== undefined)
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

export function tlsaText(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data.toLowerCase()}`;
}

export function tlsaKey(r: TlsaRecord): string {
  return tlsaText(r);
}

/** First 12 hex characters, for display only. */
export function short(hex: string | undefined): string {
  return hex ? hex.slice(0, 12) : '-';
}

export function daysLeft(iso: string, now: Date): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / 86_400_000);
}

export function byString<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
