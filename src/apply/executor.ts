// From a Plan (plain data) plus the in-memory Desired bytes and the Inventory (commands,
// endpoints) to DeployRequests: one per service group, per host in plan order. deploy →
// write what differs, reload if anything was written; fix-perms only → chmod/chown, no reload;
// a reload change → reload (and verify) even when nothing is written.
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { Host, Inventory, Service } from '../inventory/types.ts';
import type { Change, Desired, DesiredSet, Plan } from '../plan/types.ts';
import type { DeployFile, DeployRequest, FileSetCheck, ReloadPolicy, VerifyEndpoint } from './types.ts';

export interface ExecutorInput {
  plan: Plan;
  desired: Desired;
  inventory: Inventory;
  /** Ids of changes already carried out (the TLSA phase); other outside dependencies hold a group back. */
  done?: ReadonlySet<string>;
  force?: boolean;
}

export interface HostRequests {
  host: string;
  requests: DeployRequest[];
}

const HOST_ACTIONS = new Set(['deploy', 'fix-perms', 'reload']);
const ROLE_ORDER = { combined: 0, cert: 1, chain: 2, key: 3 } as const;

const parseMode = (m: string): number => parseInt(m, 8);

function findSet(desired: Desired, c: Change): DesiredSet | undefined {
  return desired.services
    .find((s) => s.host === c.target.host && s.service === c.target.service)
    ?.sets.find((x) => x.algorithm === c.target.algorithm);
}

function filesOf(set: DesiredSet): DeployFile[] {
  return set.files.map((f) => {
    const d = {
      path: f.path, role: f.role, service: set.service, algorithm: set.algorithm,
      mode: parseMode(f.mode), owner: f.owner, group: f.group, secret: f.secret, replaceSymlink: set.replaceSymlinks,
    } as Omit<DeployFile, 'bytes'> as DeployFile;
    // Non-enumerable, as in Desired: a request that gets logged or serialised shows no bytes.
    Object.defineProperty(d, 'bytes', { value: f.bytes, enumerable: false });
    return d;
  });
}

function checkOf(set: DesiredSet, inventory: Inventory): FileSetCheck {
  const ordered = [...set.files].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  const names = inventory.certificates.find((c) => c.name === set.certificate)?.names ?? [];
  return { service: set.service, algorithm: set.algorithm, paths: ordered.map((f) => f.path), names };
}

function verifyOf(host: Host, svc: Service, desired: Desired): VerifyEndpoint[] {
  const sets = desired.services.find((s) => s.host === host.name && s.service === svc.name)?.sets ?? [];
  const out: VerifyEndpoint[] = [];
  for (const e of svc.endpoints) {
    for (const address of e.addresses.length ? e.addresses : host.addresses) {
      for (const set of sets) {
        out.push({
          service: svc.name, address, port: e.port, sni: e.sni, algorithm: set.algorithm,
          ...(e.starttls ? { starttls: e.starttls } : {}),
          expect: { fingerprint: set.leaf.fingerprint, spki: set.leaf.spki },
        });
      }
    }
  }
  return out;
}

export function buildRequests(input: ExecutorInput): { hosts: HostRequests[]; problems: Problem[] } {
  const { plan, desired, inventory } = input;
  const problems: Problem[] = [];
  const byHost = new Map<string, DeployRequest[]>();
  const changes = plan.changes.filter((c) => HOST_ACTIONS.has(c.action) && c.group && c.target.host);
  const groupIds = [...new Set(changes.map((c) => c.group!))];
  for (const gid of groupIds) {
    const mine = changes.filter((c) => c.group === gid);
    const hostName = mine[0]!.target.host!;
    const host = inventory.hosts.find((h) => h.name === hostName);
    const group = plan.groups.find((g) => g.id === gid);
    const where = { host: hostName, service: gid };
    if (!host || !group) {
      problems.push(problem('APPLY_REQUEST_INVALID', `${gid}: host or group not in the inventory/plan`, where));
      continue;
    }
    const ids = new Set(mine.map((c) => c.id));
    const waits = [...new Set(mine.flatMap((c) => c.depends_on))].filter((d) => !ids.has(d) && !input.done?.has(d));
    if (waits.length) {
      problems.push(problem('APPLY_DEPENDENCY_PENDING', `${gid} waits for ${waits.join(', ')}`, where));
      continue;
    }
    const files: DeployFile[] = [];
    const checks: FileSetCheck[] = [];
    let missing = false;
    for (const c of mine.filter((x) => x.action !== 'reload')) {
      const set = findSet(desired, c);
      if (!set) {
        problems.push(problem('APPLY_REQUEST_INVALID', `${c.id}: no desired material for this change (plan and sources disagree)`, where));
        missing = true;
        continue;
      }
      files.push(...filesOf(set));
      if (c.action === 'deploy') checks.push(checkOf(set, inventory));
    }
    if (missing) continue;
    const reloadChange = mine.find((c) => c.action === 'reload');
    const hasDeploy = mine.some((c) => c.action === 'deploy');
    const reload: ReloadPolicy = reloadChange ? 'always' : hasDeploy ? 'if-changed' : 'never';
    // A deploy reloads every service sharing the files; a reload-only change those it names.
    const names = hasDeploy ? group.services : reloadChange?.target.services ?? group.services;
    const services = names
      .map((n) => host.services.find((s) => s.name === n))
      .filter((s): s is Service => !!s);
    const req: DeployRequest = {
      host: hostName,
      group: gid,
      services: services.map((s) => ({ name: s.name, validate: s.validate, reload: s.reload })),
      files,
      checks,
      verify: reload === 'never' ? [] : services.flatMap((s) => verifyOf(host, s, desired)),
      reload,
      ...(input.force ? { force: true } : {}),
      planHash: plan.plan_hash,
      inventoryCommit: plan.inventory.commit,
      changeIds: mine.map((c) => c.id),
    };
    byHost.set(hostName, [...(byHost.get(hostName) ?? []), req]);
  }
  const hosts = inventory.hosts.filter((h) => byHost.has(h.name)).map((h) => ({ host: h.name, requests: byHost.get(h.name)! }));
  return { hosts, problems };
}
