// Desired + Live → Change[]: deploys, permission fixes, reloads per key group, TLSA publish and
// retire, each with reasons and explicit `depends_on`, in a deterministic order. When every
// byte, mode and owner matches and the wire serves the disk's leaf, there is no change.
import type { Inventory } from '../inventory/types.ts';
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { Live } from '../state/types.ts';
import type { Change, Desired, DesiredSet, Identity } from './types.ts';
import { PHASE } from './types.ts';
import { diffFiles } from './diff-files.ts';
import { diffWire } from './diff-wire.ts';
import { diffTlsa } from './diff-tlsa.ts';
import { groupServices, type GroupOf } from './grouping.ts';
import { certIdentity, fileSetLive, serviceLive } from './live-lookup.ts';
import { daysLeft, short } from './util.ts';

export interface DiffResult {
  changes: Change[];
  groups: Map<string, GroupOf>;
  problems: Problem[];
}

function expiryReason(what: string, notAfter: string | undefined, renewBeforeDays: number, now: Date): string | undefined {
  if (!notAfter) return undefined;
  const d = daysLeft(notAfter, now);
  if (d < 0) return `${what} expired ${-d} days ago`;
  if (d <= renewBeforeDays) return `${what} expires in ${d} days`;
  return undefined;
}

export function diff(desired: Desired, live: Live, inventory: Inventory, now: Date): DiffResult {
  const groups = groupServices(desired.services);
  const hostChanges: Change[] = [];
  const problems: Problem[] = [];
  const reloadNeeds = new Map<string, { services: Set<string>; reasons: string[]; before: Identity; after: Identity }>();
  const deploysByGroup = new Map<string, string[]>();
  const warned = new Set<string>();

  for (const ds of desired.services) {
    // An unreachable (or ungathered) host: nothing is known, nothing is planned (the plan is partial).
    if (!live.hosts.find((h) => h.host === ds.host)?.reachable) continue;
    const group = groups.get(`${ds.host}/${ds.service}`) as GroupOf;
    const probes = serviceLive(live, ds.host, ds.service)?.probes ?? [];
    for (const set of ds.sets) {
      const renew = inventory.certificates.find((c) => c.name === set.certificate)?.renewBeforeDays ?? 30;
      warnExpiring(set, renew, now, warned, problems);
      const fsl = fileSetLive(live, ds.host, ds.service, set.algorithm);
      const files = diffFiles(set, fsl);
      const wire = diffWire(set, probes);
      const base = `${ds.host}/${ds.service}/${set.algorithm}`;
      const target = { host: ds.host, service: ds.service, algorithm: set.algorithm };
      const diskBefore = { ...certIdentity(fsl?.cert.certs?.[0]), ...(fsl?.key.key ? { spki: fsl.key.key.spki } : {}) };
      const after = certIdentity(set.leaf);
      const need = () => {
        const n = reloadNeeds.get(group.id) ?? { services: new Set<string>(), reasons: [], before: {}, after };
        reloadNeeds.set(group.id, n);
        n.services.add(ds.service);
        return n;
      };
      if (files.needsDeploy) {
        const reasons = [...files.reasons];
        const exp = expiryReason('served cert', wire.servedNotAfter, renew, now) ?? expiryReason('cert on disk', diskBefore.not_after, renew, now);
        if (exp) reasons.push(exp);
        const id = `${base}/deploy`;
        hostChanges.push({ id, action: 'deploy', target, group: group.id, phase: PHASE.deploy, before: diskBefore, after, files: files.files, reasons, depends_on: [] });
        deploysByGroup.set(group.id, [...(deploysByGroup.get(group.id) ?? []), id]);
        const n = need();
        n.reasons.push(`${ds.service}: new ${set.algorithm} certificate on disk must be loaded`);
        if (!n.before.fingerprint) n.before = Object.keys(wire.served).length ? wire.served : diskBefore;
      } else {
        if (files.needsPerms) {
          hostChanges.push({ id: `${base}/fix-perms`, action: 'fix-perms', target, group: group.id, phase: PHASE['fix-perms'], before: diskBefore, after, files: files.files, reasons: files.reasons, depends_on: [] });
        }
        if (wire.stale) {
          const n = need();
          const spkiDiffers = wire.served.spki !== set.keySpki;
          n.reasons.push(
            `${ds.service}: served ${spkiDiffers ? `SPKI ${short(wire.served.spki)}` : `certificate serial ${wire.served.serial ?? '?'}`} differs from file on disk (reload missing)`,
            ...wire.reasons.filter((r) => r.startsWith('stale on')).map((r) => `${ds.service}: ${r}`),
          );
          if (!n.before.fingerprint) n.before = wire.served;
        }
      }
    }
  }

  for (const [gid, n] of reloadNeeds) {
    const g = [...groups.values()].find((x) => x.id === gid) as GroupOf;
    const services = g.services.filter((s) => n.services.has(s));
    hostChanges.push({
      id: `${gid}/reload`,
      action: 'reload',
      target: { host: g.host, services },
      group: gid,
      phase: PHASE.reload,
      before: n.before,
      after: n.after,
      reasons: n.reasons,
      depends_on: [...(deploysByGroup.get(gid) ?? [])].sort(),
    });
  }

  const tlsaChanges = desired.tlsa.flatMap((t) => diffTlsa(t, live));
  linkTlsa(tlsaChanges, hostChanges, desired);
  return { changes: orderChanges([...tlsaChanges, ...hostChanges]), groups, problems };
}

/** deploy of a new key waits for its publish; retire waits for the reloads that unserve the key. */
function linkTlsa(tlsa: Change[], host: Change[], desired: Desired): void {
  for (const t of tlsa) {
    const dt = desired.tlsa.find((x) => x.owner === t.target.name);
    if (!dt) continue;
    const servedBy = new Set(dt.servedBy.map((b) => `${b.host}/${b.service}`));
    const data = new Set((t.records ?? []).map((r) => r.data));
    for (const c of host) {
      const svcs = c.target.services ?? [c.target.service];
      const serves = svcs.some((s) => servedBy.has(`${c.target.host}/${s}`));
      if (!serves) continue;
      if (t.action === 'tlsa-publish' && c.action === 'deploy' && data.has(c.after.spki ?? '')) c.depends_on.push(t.id);
      if (t.action === 'tlsa-retire' && c.action === 'reload') t.depends_on.push(c.id);
    }
  }
  for (const c of [...tlsa, ...host]) c.depends_on = [...new Set(c.depends_on)].sort();
}

function warnExpiring(set: DesiredSet, renew: number, now: Date, warned: Set<string>, problems: Problem[]): void {
  const key = `${set.certificate}/${set.algorithm}`;
  const d = daysLeft(set.leaf.notAfter, now);
  if (warned.has(key) || d > renew || d < 0) return; // expired material is the `expired` guard's
  warned.add(key);
  problems.push(problem('CERT_EXPIRING', `certificate ${set.certificate} (${set.algorithm}) from the source expires in ${d} days (${set.leaf.notAfter.slice(0, 10)})`, set.loc));
}

/** TLSA publish first, then per host per group by phase, TLSA retire last. */
export function orderChanges(changes: Change[]): Change[] {
  const bucket = (c: Change) => (c.action === 'tlsa-publish' ? 0 : c.action === 'tlsa-retire' ? 2 : 1);
  const key = (c: Change) =>
    [bucket(c), c.target.host ?? c.target.name ?? '', c.group ?? '', c.phase, c.target.service ?? '', c.target.algorithm ?? '', c.id].join('\u0000');
  return [...changes].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
