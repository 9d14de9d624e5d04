// The verify step's probe, backed by the real TLS/STARTTLS prober (src/probe/tls).
import { probeEndpoint } from '../probe/tls/index.ts';
import type { ProbeResult } from '../state/types.ts';
import type { VerifyEndpoint } from './types.ts';

export function tlsProbe(host: string, timeoutMs = 10_000): (e: VerifyEndpoint) => Promise<ProbeResult> {
  return (e) =>
    probeEndpoint({
      host, service: e.service, address: e.address, port: e.port, sni: e.sni, timeoutMs,
      ...(e.starttls ? { starttls: e.starttls } : {}),
      ...(e.algorithm ? { algorithm: e.algorithm } : {}),
    });
}
