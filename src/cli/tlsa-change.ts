// `mailtls tlsa publish` and `mailtls tlsa retire`: gather fresh (probes of every endpoint, the
// desired keys, every authoritative server), compute the records to add or remove, refuse what
// the safety rules forbid (exit 4, nothing sent), send one update per zone, wait until every
// authoritative server serves it, and record the first-seen times. Prints the zone-file lines.
import { formatProblem } from '../errors/problem.ts';
import type { Problem } from '../errors/problem.ts';
import { problem } from '../errors/catalog.ts';
import { loadInventory } from '../inventory/index.ts';
import { publishChanges, retireChanges, type OwnerChange } from '../plan/tlsa-changes.ts';
import { tlsaText } from '../plan/util.ts';
import { formatDuration } from '../inventory/index.ts';
import { EXIT } from './exit-codes.ts';
import { emitAnnotations, problemLines, type CommonOptions } from './common.ts';
import { problemsToJson } from './report-problems.ts';
import { gatherTlsaState } from './tlsa-gather.ts';
import { TLSA_FORMAT_VERSION, zoneLines } from './tlsa-render.ts';
import { providerProblems, recordObservation, sendChanges, type ZoneOutcome } from './tlsa-update.ts';

export interface TlsaChangeOptions extends CommonOptions {
  dryRun: boolean;
  /** Seconds to wait for every authoritative server. */
  timeout: number;
}

interface OwnerReport {
  owner: string;
  zone: string;
  ttl: number;
  records: string[];
  lines: string[];
  reasons: string[];
  first_seen?: Record<string, string | null>;
  deploy_after?: string | null;
}

export async function runChange(kind: 'publish' | 'retire', opts: TlsaChangeOptions): Promise<number> {
  const json = opts.format === 'json';
  const out = (l: string) => (json ? undefined : console.log(l));
  const inventory = await loadInventory(opts.file);
  const state = await gatherTlsaState(inventory, opts);
  const reports: OwnerReport[] = [];
  let zones: ZoneOutcome[] = [];
  const finish = (code: number, problems: Problem[], summary: string): number => {
    for (const l of problemLines(problems, formatProblem)) console.error(l);
    emitAnnotations(problems);
    if (json) {
      const doc = { format_version: TLSA_FORMAT_VERSION, command: `tlsa ${kind}`, dry_run: opts.dryRun, changes: reports, zones, problems: problemsToJson(problems), summary, exit_code: code };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else out(summary);
    return code;
  };

  const sourceErrors = state.desired.problems.filter((p) => p.severity === 'error');
  if (sourceErrors.length) {
    const p = problem('TLSA_DESIRED_UNKNOWN', `the desired keys of ${state.views.map((v) => v.owner).join(', ') || 'the selected names'} could not be read; nothing ${kind === 'publish' ? 'published' : 'retired'}`);
    return finish(EXIT.error, [...sourceErrors, p], `Nothing ${kind === 'publish' ? 'published' : 'retired'}: the desired keys are unknown.`);
  }
  const set = kind === 'publish' ? publishChanges(state.views) : retireChanges(state.views);
  if (set.refused.length) return finish(EXIT.guard, set.refused, `Refused: ${set.refused.length} safety rule(s); nothing ${kind === 'publish' ? 'published' : 'retired'}.`);
  const missingProvider = providerProblems(inventory, set.changes);
  if (missingProvider.length) return finish(EXIT.error, missingProvider, 'Nothing sent: a zone has no usable DNS provider.');
  if (!set.changes.length) {
    const none = kind === 'publish' ? 'Nothing to publish: every desired TLSA record is on every authoritative server.' : 'Nothing to retire: every TLSA record matches a served or desired key.';
    const waiting = kind === 'publish' ? deployAfterNote(state.views.flatMap((v) => v.next.filter((n) => n.action === 'wait').map((n) => n.action === 'wait' ? n.until : undefined))) : '';
    return finish(EXIT.ok, [], `${none}${waiting}`);
  }

  const sign = kind === 'publish' ? '+' : '-';
  const count = set.changes.reduce((n, c) => n + c.records.length, 0);
  const zoneCount = new Set(set.changes.map((c) => c.zone)).size;
  for (const c of set.changes) reports.push(report(c, sign));
  out(opts.dryRun ? `Would ${kind === 'publish' ? 'add' : 'remove'}:` : `${kind === 'publish' ? 'Adding' : 'Removing'} (one update per zone):`);
  for (const r of reports) for (const [i, l] of r.lines.entries()) out(`${l}\n    because ${r.reasons[i]}`);
  if (opts.dryRun) {
    return finish(opts.detailedExitcode ? EXIT.changes : EXIT.ok, [], `Dry run: ${count} TLSA record(s) to ${kind} in ${zoneCount} zone(s); nothing changed.`);
  }

  const sent = await sendChanges(inventory, set.changes, { kind: kind === 'publish' ? 'add' : 'remove', timeoutMs: opts.timeout * 1000, log: (l) => console.error(`mailtls: ${l}`) });
  zones = sent.zones;
  const owners = set.changes.map((c) => c.owner);
  await recordObservation(inventory, owners, state.history, state.historyFile);
  for (const z of zones) if (z.ok) out(`${z.zone}: ${z.propagated ? `every authoritative server serves the update${z.serial !== undefined ? ` (serial ${z.serial})` : ''}` : `accepted, but ${z.lagging.join(', ')} do(es) not serve it yet`}`);

  let deployAfter: string | undefined;
  if (kind === 'publish') {
    for (const [i, c] of set.changes.entries()) {
      const v = state.views.find((x) => x.owner === c.owner)!;
      const w = Math.max(v.holdSeconds, 2 * (state.history.max_ttl[c.owner] ?? 0));
      const seen = Object.fromEntries(c.records.map((r) => [tlsaText(r), state.history.first_seen[`${c.owner}|${tlsaText(r)}`] ?? null]));
      const times = Object.values(seen);
      const after = times.every((s) => s) ? new Date(Math.max(...times.map((s) => new Date(s!).getTime())) + w * 1000).toISOString() : null;
      reports[i]!.first_seen = seen;
      reports[i]!.deploy_after = after;
      out(after ? `${c.owner}: first seen everywhere ${times.sort().pop()}; a deploy of its new key may proceed from ${after} (W ${formatDuration(w)})` : `${c.owner}: not yet on every authoritative server; its hold time has not started`);
      if (after && (!deployAfter || after > deployAfter)) deployAfter = after;
    }
  }
  if (!sent.zones.every((z) => z.ok) || sent.problems.length) {
    const done = sent.zones.filter((z) => z.ok).length;
    return finish(EXIT.error, sent.problems, `${kind === 'publish' ? 'Publish' : 'Retire'} incomplete: ${done} of ${zones.length} zone(s) updated${done ? ', not yet on every authoritative server' : ''}; run \`mailtls tlsa status\`.`);
  }
  const verb = kind === 'publish' ? 'Published' : 'Retired';
  const tail = kind === 'publish' ? (deployAfter ? `; deploy may proceed from ${deployAfter}.` : '.') : '.';
  return finish(opts.detailedExitcode ? EXIT.changes : EXIT.ok, [], `${verb} ${count} TLSA record(s) in ${zoneCount} zone(s)${tail}`);
}

function report(c: OwnerChange, sign: '+' | '-'): OwnerReport {
  return { owner: c.owner, zone: c.zone, ttl: c.ttl, records: c.records.map(tlsaText), lines: zoneLines([c], sign), reasons: c.reasons };
}

function deployAfterNote(untils: (string | undefined)[]): string {
  const known = untils.filter((u): u is string => !!u).sort();
  if (!untils.length) return '';
  return known.length === untils.length ? ` A deploy may proceed from ${known[known.length - 1]}.` : ' The hold time has not started everywhere yet.';
}
