// `addr[:port]` for DNS servers: `127.0.20.1`, `127.0.20.1:5353`, `[2001:db8::1]:53`, `2001:db8::1`
// (a bare IPv6 address has no port). Host names are allowed and looked up with the system resolver.
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

export interface ServerAddr {
  host: string;
  port: number;
}

export const DEFAULT_DNS_PORT = 53;

export function parseServer(spec: string): ServerAddr {
  const s = spec.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) return { host: bracket[1]!, port: portOf(bracket[2], spec) };
  if (isIP(s) === 6) return { host: s, port: DEFAULT_DNS_PORT };
  const colon = s.lastIndexOf(':');
  if (colon > 0 && s.indexOf(':') === colon) return { host: s.slice(0, colon), port: portOf(s.slice(colon + 1), spec) };
  if (!s || s.includes(':')) throw new Error(`not a DNS server address: ${JSON.stringify(spec)}`);
  return { host: s, port: DEFAULT_DNS_PORT };
}

function portOf(text: string | undefined, spec: string): number {
  if (text === undefined) return DEFAULT_DNS_PORT;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new Error(`bad port in DNS server address ${JSON.stringify(spec)}`);
  return n;
}

/** Canonical `addr:port` (`[v6]:port`), the form used as `DnsAnswer.server`. */
export function formatServer(a: ServerAddr): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** The IP to talk to and its family; names go through the system resolver once. */
export async function resolveServer(a: ServerAddr): Promise<{ address: string; family: 4 | 6; port: number }> {
  const fam = isIP(a.host);
  if (fam === 4 || fam === 6) return { address: a.host, family: fam, port: a.port };
  const r = await lookup(a.host);
  return { address: r.address, family: r.family === 6 ? 6 : 4, port: a.port };
}
