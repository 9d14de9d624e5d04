// TLS probes: implicit TLS and STARTTLS (SMTP, IMAP, POP3, ManageSieve), per address and key algorithm.
export { probeEndpoint, DEFAULT_PROBE_TIMEOUT_MS } from './probe.ts';
export type { ProbeRequest } from './probe.ts';
export { probeAll, mapPool } from './pool.ts';
export { probeProblem, endpointLabel } from './problems.ts';
export { ProbeFailure } from './failure.ts';
export type { ProbeErrorCode } from './failure.ts';
export { algorithmOptions } from './algorithms.ts';
export { probeRequestsFor } from './requests.ts';
