// Runs many probes with at most `concurrency` in flight; results keep the order of the requests.
import type { ProbeResult } from '../../state/types.ts';
import { probeEndpoint } from './probe.ts';
import type { ProbeRequest } from './probe.ts';

export async function mapPool<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  const n = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

export function probeAll(requests: ProbeRequest[], concurrency = 16): Promise<ProbeResult[]> {
  return mapPool(requests, concurrency, (r) => probeEndpoint(r));
}
