// Findings from a TLSA view as catalogued Problems: every server error, an answer without AD,
// authoritative servers that disagree. gather/status call this; plan guards read TlsaLive itself.
import { problem } from '../../errors/catalog.ts';
import type { Problem } from '../../errors/problem.ts';
import type { DnsAnswer, TlsaLive } from '../../state/types.ts';
import { propagation } from './propagation.ts';
import { answerErrorKind } from './tlsa.ts';

const CODE_OF: Record<string, string> = {
  timeout: 'DNS_TIMEOUT',
  unreachable: 'DNS_UNREACHABLE',
  servfail: 'DNS_SERVFAIL',
  refused: 'DNS_REFUSED',
  'not-authoritative': 'DNS_NOT_AUTHORITATIVE',
};

export function answerProblem(owner: string, a: DnsAnswer): Problem | undefined {
  const kind = answerErrorKind(a);
  if (!kind) return undefined;
  return problem(CODE_OF[kind] ?? 'DNS_BAD_ANSWER', `${owner} TLSA: ${a.error}`, { dns: owner, server: a.server });
}

export function tlsaProblems(live: TlsaLive): Problem[] {
  const out: Problem[] = [];
  const answers = [...(live.resolver ? [live.resolver] : []), ...live.authoritative];
  for (const a of answers) {
    const p = answerProblem(live.owner, a);
    if (p) out.push(p);
  }
  const r = live.resolver;
  if (r && !r.error && !r.ad) {
    out.push(problem('DNS_NOT_VALIDATED', `${live.owner} TLSA: ${r.server} answered ${r.rcode} without the AD bit (${r.records.length} record(s))`, { dns: live.owner, server: r.server }));
  }
  const p = propagation(live);
  for (const s of p.servers.filter((x) => x.state === 'lagging' || x.state === 'differs')) {
    out.push(problem('DNS_AUTH_DISAGREE', `${live.owner} TLSA: ${s.server} ${s.state === 'lagging' ? 'lags' : 'differs'}: ${s.detail}`, { dns: live.owner, server: s.server }));
  }
  return out;
}
