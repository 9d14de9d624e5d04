// A failed probe as a catalogued Problem, located at host/service/endpoint.
import { problem } from '../../errors/catalog.ts';
import type { Problem } from '../../errors/problem.ts';
import type { ProbeResult } from '../../state/types.ts';
import type { ProbeErrorCode } from './failure.ts';

const CODES: Record<ProbeErrorCode, string> = {
  refused: 'PROBE_REFUSED',
  timeout: 'PROBE_TIMEOUT',
  unreachable: 'PROBE_UNREACHABLE',
  'no-starttls': 'PROBE_NO_STARTTLS',
  handshake: 'PROBE_HANDSHAKE',
  protocol: 'PROBE_PROTOCOL',
};

/** `[2001:db8::1]:25 starttls=smtp sni=mx1.example.org rsa` */
export function endpointLabel(r: Pick<ProbeResult, 'address' | 'port' | 'starttls' | 'sni' | 'algorithm'>): string {
  const addr = r.address.includes(':') ? `[${r.address}]` : r.address;
  return [`${addr}:${r.port}`, r.starttls && `starttls=${r.starttls}`, `sni=${r.sni}`, r.algorithm].filter(Boolean).join(' ');
}

export function probeProblem(r: ProbeResult): Problem | undefined {
  if (r.ok || !r.error) return undefined;
  return problem(CODES[r.error.code], r.error.message, { host: r.host, service: r.service, endpoint: endpointLabel(r) });
}
