// RFC 2136 dynamic updates signed with TSIG, sent by Debian's knsupdate (or BIND's nsupdate):
// no npm library signs TSIG, and dns-packet cannot express class-NONE deletes. One update per
// publish: every add, then single-record deletes — atomic on the primary. Then wait until every
// authoritative server serves it. The secret only ever travels on the tool's stdin.
import { problem } from '../../errors/catalog.ts';
import type { Problem } from '../../errors/problem.ts';
import type { Zone } from '../../inventory/types.ts';
import { parseServer } from '../../probe/dns/server.ts';
import type { DnsProvider, PublishContext, PublishResult, RecordChanges } from '../types.ts';
import { classify, type Outcome } from './outcome.ts';
import { runUpdate } from './runner.ts';
import { updateScript } from './script.ts';
import { readSecret } from '../../inventory/secrets.ts';
import { checkTsigKey, loadTsig, type TsigMaterial } from './tsig.ts';
import { validateChanges } from './validate.ts';
import { waitForPropagation, zoneSerial } from './wait.ts';

const UPDATE_TIMEOUT_MS = 15000;

export const rfc2136: DnsProvider = {
  name: 'rfc2136',
  capabilities: { tlsa: true, txt: true, atomicBatch: true, propagationCheck: true },
  publish,
};

async function publish(zone: Zone, changes: RecordChanges, ctx: PublishContext): Promise<PublishResult> {
  const where = { dns: zone.name, server: zone.primary };
  const fail = (p: Problem): PublishResult => ({ ok: false, problems: [p], lagging: [] });

  const invalid = validateChanges(zone.name, changes);
  if (invalid.length) return { ok: false, problems: invalid.map((m) => problem('DNS_CHANGE_INVALID', m, { dns: zone.name })), lagging: [] };
  if (!changes.add.length && !changes.remove.length) return { ok: true, problems: [], lagging: [] };

  let tsig: TsigMaterial | undefined;
  if (zone.tsig) {
    const bad = checkTsigKey(zone.tsig);
    if (bad) return fail(problem('DNS_TSIG_SECRET', bad, where));
    const read = ctx.readSecret ?? ((ref) => readSecret(ref, ctx.baseDir ?? process.cwd()));
    try {
      tsig = await loadTsig(zone.tsig, read);
    } catch (e) {
      return fail(problem('DNS_TSIG_SECRET', `TSIG key ${zone.tsig.name} of zone ${zone.name}: ${(e as Error).message}`, where));
    }
  }

  let server;
  try {
    server = parseServer(zone.primary);
  } catch (e) {
    return fail(problem('DNS_CHANGE_INVALID', (e as Error).message, where));
  }
  const script = updateScript({ server, zone: zone.name, tsig, add: changes.add, remove: changes.remove });
  ctx.log?.(`${zone.name}: update @${zone.primary}: +${changes.add.length} -${changes.remove.length}`);
  const run = await runUpdate(script, tsig?.secret, ctx.updateTimeoutMs ?? UPDATE_TIMEOUT_MS, ctx.updateTool ? [ctx.updateTool] : undefined);
  if (!run) return fail(problem('DNS_UPDATE_TOOL_MISSING', `cannot publish: ${ctx.updateTool ? `${ctx.updateTool} is` : 'neither knsupdate nor nsupdate is'} on PATH`, where));
  const outcome = classify(run);
  if (outcome.kind !== 'ok') return fail(updateProblem(zone, outcome, tsig, where));

  const qt = ctx.queryTimeoutMs ?? 2000;
  let serial: number | undefined;
  try {
    serial = await zoneSerial(zone.primary, zone.name, qt);
  } catch {
    serial = undefined; // the update was accepted; the wait below reports what is unreachable
  }
  const result: PublishResult = { ok: true, problems: [], lagging: [], ...(serial !== undefined ? { serial } : {}) };
  const waitMs = ctx.propagationTimeoutMs ?? 30000;
  if (waitMs <= 0) return result;

  const servers = zone.authoritative.length ? zone.authoritative : [zone.primary];
  const checks = await waitForPropagation(servers, zone.name, changes, serial, { timeoutMs: waitMs, intervalMs: ctx.pollIntervalMs ?? 500, queryTimeoutMs: qt });
  result.lagging = checks.filter((c) => !c.ok).map((c) => c.server);
  result.propagated = result.lagging.length === 0;
  for (const c of checks.filter((x) => !x.ok)) {
    result.problems.push(problem('DNS_PROPAGATION_PENDING', `${c.server} does not serve the update of ${zone.name}${serial !== undefined ? ` (serial ${serial})` : ''} after ${waitMs} ms: ${c.detail ?? 'unknown'}`, { dns: zone.name, server: c.server }));
  }
  return result;
}

function updateProblem(zone: Zone, o: Outcome, tsig: TsigMaterial | undefined, where: { dns: string; server: string }): Problem {
  const codes = [...new Set([o.rcode, o.tsigError].filter(Boolean))];
  const rc = codes.length ? `: ${codes.join('/')}` : '';
  const key = tsig ? ` with TSIG key ${tsig.name} (${tsig.algorithm})` : ' without a TSIG key';
  switch (o.kind) {
    case 'tsig':
      return problem('DNS_UPDATE_AUTH', `${zone.primary} rejected the update of ${zone.name}${key}${rc}`, where);
    case 'refused':
      return problem('DNS_UPDATE_REFUSED', `${zone.primary} refused the update of ${zone.name}${key}${rc}`, where);
    case 'timeout':
    case 'unreachable':
      return problem('DNS_UPDATE_TIMEOUT', `${zone.primary} ${o.kind === 'timeout' ? 'did not answer' : 'is unreachable for'} the update of ${zone.name}: ${o.detail}`, where);
    default:
      return problem('DNS_UPDATE_FAILED', `update of ${zone.name} at ${zone.primary} failed${rc}${codes.length ? ' — ' : ': '}${o.detail}`, where);
  }
}
