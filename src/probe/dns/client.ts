// query(): one DNS question to one server. UDP with EDNS0 (1232 bytes, DO), falling back to TCP
// when the answer is truncated; timeouts are retried with a fresh id. A DNS rcode (SERVFAIL,
// REFUSED, NXDOMAIN) is a result; only "no usable answer" throws a DnsError.
import { DnsError, type QueryOptions, type QueryResult } from './types.ts';
import { formatServer, parseServer, resolveServer } from './server.ts';
import { buildQuery, toResult } from './wire.ts';
import { tcpExchange, udpExchange, type Target } from './transport.ts';

export async function query(o: QueryOptions): Promise<QueryResult> {
  const addr = parseServer(o.server);
  const label = formatServer(addr);
  let target: Target;
  try {
    target = { ...(await resolveServer(addr)), label };
  } catch (e) {
    throw new DnsError('unreachable', label, `cannot resolve DNS server ${addr.host}: ${(e as Error).message}`);
  }
  const dnssec = o.dnssec ?? true;
  const recursion = o.recursion ?? true;
  const timeoutMs = o.timeoutMs ?? 2000;
  const tries = 1 + Math.max(0, o.retries ?? 2);
  let attempts = 0;
  for (let i = 0; i < tries; i++) {
    try {
      if (!o.tcpOnly) {
        attempts++;
        const q = buildQuery(o.name, o.type, { dnssec, recursion });
        const reply = await udpExchange(target, q, timeoutMs);
        if (!reply.flag_tc) return toResult(reply, label, 'udp', attempts);
      }
      attempts++;
      const q = buildQuery(o.name, o.type, { dnssec, recursion });
      return toResult(await tcpExchange(target, q, timeoutMs), label, 'tcp', attempts);
    } catch (e) {
      if (!(e instanceof DnsError)) throw e;
      // Only silence is worth another try; a refused port or a broken answer will not improve.
      if (e.kind !== 'timeout') throw e;
    }
  }
  throw new DnsError('timeout', label, `no answer from ${label} for ${o.name} ${o.type} after ${attempts} attempt(s) of ${timeoutMs} ms`);
}
