// Verify on the wire: every endpoint (address × algorithm) must serve the expected leaf. Probes
// retry with exponential back-off until the deadline, because daemons pick up new files a moment
// after the reload command returns.
import type { ProbeResult } from '../state/types.ts';
import type { Clock, EndpointVerdict, VerifyEndpoint, VerifyPolicy } from './types.ts';

export const DEFAULT_VERIFY: VerifyPolicy = { timeoutMs: 30_000, initialDelayMs: 250, maxDelayMs: 4_000, factor: 2 };

export function endpointLabel(e: VerifyEndpoint): string {
  return `${e.address}:${e.port}${e.starttls ? `/${e.starttls}` : ''}${e.algorithm ? ` (${e.algorithm})` : ''}`;
}

function matches(r: ProbeResult, expect: VerifyEndpoint['expect']): boolean {
  const leaf = r.ok ? r.chain?.[0] : undefined;
  if (!leaf) return false;
  if (expect.fingerprint && leaf.fingerprint !== expect.fingerprint) return false;
  if (expect.spki && leaf.spki !== expect.spki) return false;
  return !!(expect.fingerprint || expect.spki);
}

async function verifyOne(
  e: VerifyEndpoint,
  probe: (e: VerifyEndpoint) => Promise<ProbeResult>,
  clock: Clock,
  policy: VerifyPolicy,
): Promise<EndpointVerdict> {
  const deadline = clock.now().getTime() + policy.timeoutMs;
  let delay = policy.initialDelayMs;
  let attempts = 0;
  let served: string | undefined;
  let error: string | undefined;
  for (;;) {
    attempts++;
    try {
      const r = await probe(e);
      if (matches(r, e.expect)) {
        return { service: e.service, endpoint: endpointLabel(e), ...(e.algorithm ? { algorithm: e.algorithm } : {}), ok: true, attempts, served: r.chain?.[0]?.fingerprint };
      }
      served = r.chain?.[0]?.fingerprint;
      error = r.ok ? `serves ${served?.slice(0, 16) ?? 'nothing'}…, want ${(e.expect.fingerprint ?? e.expect.spki ?? '').slice(0, 16)}…` : `${r.error?.code}: ${r.error?.message}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const left = deadline - clock.now().getTime();
    if (left <= 0) break;
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(policy.maxDelayMs, delay * policy.factor);
  }
  return {
    service: e.service, endpoint: endpointLabel(e), ...(e.algorithm ? { algorithm: e.algorithm } : {}), ok: false, attempts,
    ...(served ? { served } : {}), ...(error ? { error } : {}),
  };
}

/** Probes all endpoints concurrently, each with its own retry loop. */
export function verifyAll(
  endpoints: VerifyEndpoint[],
  probe: (e: VerifyEndpoint) => Promise<ProbeResult>,
  clock: Clock,
  policy: VerifyPolicy,
): Promise<EndpointVerdict[]> {
  return Promise.all(endpoints.map((e) => verifyOne(e, probe, clock, policy)));
}
