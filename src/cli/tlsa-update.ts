// Sends the TLSA changes of `tlsa publish` / `tlsa retire`: one update per zone through the
// zone's DNS provider (adds or removes only), waiting until every authoritative server serves
// it; then asks every authoritative server again and folds the answers into the TLSA history,
// so a published record's first-seen time is when it was confirmed everywhere.
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { Inventory } from '../inventory/types.ts';
import { readSecret } from '../inventory/index.ts';
import { dnsProvider, type RR } from '../dns/index.ts';
import { gatherTlsa } from '../probe/dns/index.ts';
import type { OwnerChange } from '../plan/tlsa-changes.ts';
import { observe, saveHistory, type TlsaHistory } from '../state/tlsa-history.ts';
import type { Live } from '../state/types.ts';

export interface ZoneOutcome {
  zone: string;
  ok: boolean;
  serial?: number;
  propagated?: boolean;
  lagging: string[];
}

export interface UpdateResult {
  zones: ZoneOutcome[];
  problems: Problem[];
}

export interface UpdateOptions {
  kind: 'add' | 'remove';
  timeoutMs: number;
  log(line: string): void;
}

/** Problems that stop the run before anything is sent: a zone without a usable provider. */
export function providerProblems(inventory: Inventory, changes: OwnerChange[]): Problem[] {
  const out: Problem[] = [];
  for (const zoneName of [...new Set(changes.map((c) => c.zone))]) {
    const zone = inventory.dns.zones.find((z) => z.name === zoneName);
    const provider = zone ? dnsProvider(zone.provider) : undefined;
    if (!zone || !provider || !provider.capabilities.tlsa) {
      out.push(problem('TLSA_NO_PROVIDER', `zone ${zoneName || '(none)'}: ${!zone ? 'not declared under dns.zones' : !provider ? `provider ${zone.provider} is unknown` : `provider ${zone.provider} cannot publish TLSA`}`, { dns: zoneName }));
    }
  }
  return out;
}

export async function sendChanges(inventory: Inventory, changes: OwnerChange[], o: UpdateOptions): Promise<UpdateResult> {
  const result: UpdateResult = { zones: [], problems: [] };
  for (const zoneName of [...new Set(changes.map((c) => c.zone))].sort()) {
    const zone = inventory.dns.zones.find((z) => z.name === zoneName)!;
    const provider = dnsProvider(zone.provider)!;
    const rrs: RR[] = changes.filter((c) => c.zone === zoneName).flatMap((c) => c.records.map((data) => ({ name: c.owner, ttl: c.ttl, type: 'TLSA' as const, data })));
    const baseDir = inventory.baseDir ?? '.';
    const r = await provider.publish(zone, o.kind === 'add' ? { add: rrs, remove: [] } : { add: [], remove: rrs }, {
      baseDir,
      readSecret: (ref) => readSecret(ref, baseDir),
      propagationTimeoutMs: o.timeoutMs,
      log: o.log,
    });
    result.zones.push({ zone: zoneName, ok: r.ok, ...(r.serial !== undefined ? { serial: r.serial } : {}), ...(r.propagated !== undefined ? { propagated: r.propagated } : {}), lagging: r.lagging });
    result.problems.push(...r.problems);
  }
  return result;
}

/** Asks every authoritative server (and the resolver) about the owners again and updates the history. */
export async function recordObservation(inventory: Inventory, owners: string[], history: TlsaHistory, historyFile: string, now = new Date()): Promise<Live> {
  const tlsa = await Promise.all(
    owners.map((owner) => {
      const e = inventory.dns.tlsa.find((t) => t.owner === owner);
      const zone = inventory.dns.zones.find((z) => z.name === e?.zone);
      return gatherTlsa({ owner, authoritative: zone?.authoritative ?? [], ...(zone ? { zone: zone.name } : {}), ...(inventory.dns.resolver ? { resolver: inventory.dns.resolver } : {}) });
    }),
  );
  const live: Live = { gatheredAt: now.toISOString(), hosts: [], tlsa, problems: [] };
  if (observe(history, live, now)) saveHistory(historyFile, history);
  return live;
}
