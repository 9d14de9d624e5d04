// unreachable-host: a host could not be reached while gathering, so the plan cannot say what
// it needs; the plan is partial and says so at the top. Allowable (plan the rest).
import { problem } from '../../errors/catalog.ts';
import type { Guard } from './types.ts';

export const unreachableHost: Guard = {
  name: 'unreachable-host',
  code: 'GUARD_UNREACHABLE_HOST',
  allowable: true,
  description: 'a host could not be reached; the plan is partial',
  check: (_desired, live) =>
    live.hosts
      .filter((h) => !h.reachable)
      .map((h) => {
        const why = h.problems[0]?.message;
        const msg = `host ${h.host} could not be reached${why ? ` (${why})` : ''}; nothing is planned for it`;
        return { problem: problem('GUARD_UNREACHABLE_HOST', msg, { host: h.host }), changeIds: [] };
      }),
};
