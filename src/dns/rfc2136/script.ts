// The update script knsupdate and nsupdate both read on stdin: one message with every add
// first, then the single-record deletes (so an RRset is never empty in between), then send.
// The `key` line is the only place the secret goes; the script is never logged.
import type { RR } from '../types.ts';
import type { ServerAddr } from '../../probe/dns/server.ts';
import type { TsigMaterial } from './tsig.ts';

export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

export function rdata(rr: RR): string {
  if (rr.type === 'TLSA') return `${rr.data.usage} ${rr.data.selector} ${rr.data.matchingType} ${rr.data.data.toLowerCase()}`;
  return rr.data.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
}

/** `name TYPE rdata`, the identity of one record (used to drop no-op pairs and in messages). */
export function rrKey(rr: RR): string {
  return `${fqdn(rr.name).toLowerCase()} ${rr.type} ${rdata(rr)}`;
}

export function updateScript(o: { server: ServerAddr; zone: string; tsig?: TsigMaterial; add: RR[]; remove: RR[] }): string {
  const lines = [`server ${o.server.host} ${o.server.port}`, `zone ${fqdn(o.zone)}`];
  if (o.tsig) lines.push(`key ${o.tsig.algorithm}:${o.tsig.name} ${o.tsig.secret}`);
  for (const rr of o.add) lines.push(`update add ${fqdn(rr.name)} ${rr.ttl} IN ${rr.type} ${rdata(rr)}`);
  for (const rr of o.remove) lines.push(`update delete ${fqdn(rr.name)} IN ${rr.type} ${rdata(rr)}`);
  lines.push('send', 'answer', 'quit');
  return lines.join('\n') + '\n';
}
