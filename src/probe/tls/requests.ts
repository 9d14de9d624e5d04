// Which probes a service needs: every endpoint × every address × every key algorithm the service
// serves. Each algorithm is forced, so a dual RSA+ECDSA server cannot pass on the one certificate
// a default client would negotiate while the other one is stale (dane.md, scenario 1).
import type { Host, KeyAlgorithm, Service } from '../../inventory/types.ts';
import type { ProbeRequest } from './probe.ts';

const ORDER: KeyAlgorithm[] = ['ecdsa', 'rsa', 'ed25519'];

export function probeRequestsFor(host: Host, service: Service, timeoutMs?: number): ProbeRequest[] {
  const algorithms = ORDER.filter((a) => service.files[a]);
  const out: ProbeRequest[] = [];
  for (const ep of service.endpoints) {
    const addresses = ep.addresses.length ? ep.addresses : host.addresses;
    for (const address of addresses) {
      for (const algorithm of algorithms.length ? algorithms : [undefined]) {
        const req: ProbeRequest = { host: host.name, service: service.name, address, port: ep.port, sni: ep.sni };
        if (ep.starttls) req.starttls = ep.starttls;
        if (algorithm) req.algorithm = algorithm;
        if (timeoutMs !== undefined) req.timeoutMs = timeoutMs;
        out.push(req);
      }
    }
  }
  return out;
}
