// A/AAAA of a name through a (validating) resolver, with the AD bit: Postfix skips DANE when
// the MX host's addresses are insecure, so their validation status is part of the picture.
import { readFileSync } from 'node:fs';
import { query } from './client.ts';
import { DnsError } from './types.ts';

export interface AddressLookup {
  name: string;
  resolver: string;
  addresses: string[];
  /** Both answers (A and AAAA) carried AD. */
  ad: boolean;
  /** Per family failure (timeout, SERVFAIL…), as data. */
  errors: string[];
}

export async function lookupAddresses(name: string, opts: { resolver?: string; timeoutMs?: number; retries?: number } = {}): Promise<AddressLookup> {
  const resolver = opts.resolver ?? systemResolver();
  const results = await Promise.all(
    (['A', 'AAAA'] as const).map(async (type) => {
      try {
        const r = await query({ server: resolver, name, type, dnssec: true, recursion: true, timeoutMs: opts.timeoutMs, retries: opts.retries });
        const ok = r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN';
        return {
          addresses: r.answers.filter((x) => x.type === type).map((x) => x.data as string),
          ad: r.flags.ad,
          error: ok ? undefined : `${r.rcode.toLowerCase()}: ${r.server} answered ${r.rcode} for ${name} ${type}`,
        };
      } catch (e) {
        return { addresses: [], ad: false, error: e instanceof DnsError ? e.message : String(e) };
      }
    }),
  );
  return {
    name,
    resolver,
    addresses: results.flatMap((r) => r.addresses),
    ad: results.every((r) => r.ad),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

/** First `nameserver` of /etc/resolv.conf (the machine's resolver), else 127.0.0.1. */
export function systemResolver(path = '/etc/resolv.conf'): string {
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const m = /^\s*nameserver\s+(\S+)/.exec(line);
      if (m) return m[1]!.includes(':') ? `[${m[1]!.replace(/%.*$/, '')}]:53` : m[1]!;
    }
  } catch {
    // no resolv.conf: fall through
  }
  return '127.0.0.1';
}
