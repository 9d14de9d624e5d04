// Loads hosts.yaml: parse (with positions) → schema → resolve references and mode defaults →
// cross checks. Every stage collects problems; nothing stops at the first one. Stages that need
// sound input only run when the previous stage found no error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Host, Inventory } from './types.ts';
import type { RawInventory } from './raw.ts';
import type { Problem } from '../errors/problem.ts';
import { isLoc } from '../errors/problem.ts';
import { MailtlsError, problem } from '../errors/catalog.ts';
import { parseYamlSource } from './yaml-source.ts';
import { schemaProblems } from './schema-check.ts';
import type { Ctx } from './resolve/context.ts';
import { at } from './resolve/context.ts';
import { resolveSsh } from './resolve/ssh.ts';
import { resolveCertificates } from './resolve/certificates.ts';
import { resolveService } from './resolve/services.ts';
import { resolveZones } from './resolve/zones.ts';
import { resolveTlsa } from './resolve/tlsa.ts';
import { crossChecks } from './resolve/checks.ts';

export interface CheckResult {
  /** Present when there is no error (warnings may exist). */
  inventory?: Inventory;
  /** Every problem found, in file order within each stage. */
  problems: Problem[];
}

export interface LoadOptions {
  /** Directory relative references resolve against; default: the file's directory. */
  baseDir?: string;
}

export const hasErrors = (ps: Problem[]): boolean => ps.some((p) => p.severity === 'error');

/**
 * Checks inventory text. Never throws for bad input: every problem is returned, located at
 * `file` (the name as the user gave it). `inventory` is set only when there is no error.
 */
export function checkInventorySource(text: string, file: string, opts: LoadOptions = {}): CheckResult {
  const baseDir = opts.baseDir ?? dirname(resolve(file));
  const parsed = parseYamlSource(text, file);
  if (parsed.fatal) return { problems: parsed.problems };
  const ctx: Ctx = { src: parsed.source, baseDir, problems: [...parsed.problems] };
  let data: unknown;
  try {
    data = parsed.source.doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // yaml throws for input its parser accepted (alias bombs and the like): still a located problem.
    return { problems: [...ctx.problems, problem('YAML_SYNTAX', (err as Error).message, { file, line: 1, column: 1 })] };
  }
  const schema = schemaProblems(parsed.source, data);
  ctx.problems.push(...schema);
  if (schema.some((p) => p.severity === 'error')) return { problems: sortProblems(ctx.problems) };

  const raw = data as RawInventory;
  const zones = resolveZones(ctx, raw);
  const certificates = resolveCertificates(ctx, raw);
  const certMap = new Map(certificates.map((c) => [c.name, c]));
  const hosts: Host[] = Object.entries(raw.hosts).map(([name, h]) => {
    const addresses = Array.isArray(h.address) ? h.address : [h.address];
    const host: Host = { name, addresses, ssh: resolveSsh(ctx, raw, name, addresses[0]!), services: [], loc: at(ctx, ['hosts', name]) };
    for (const [svcName, s] of Object.entries(h.services ?? {})) {
      const svc = resolveService(ctx, svcName, s, { hostName: name, addresses, certificates: certMap, zones });
      if (svc) host.services.push(svc);
    }
    return host;
  });
  const tlsa = resolveTlsa(ctx, raw, hosts, zones);
  const referenced = new Set(Object.values(raw.hosts).flatMap((h) => Object.values(h.services ?? {}).map((s) => s.certificate)));
  const jumpLocs = new Map(hosts.filter((h) => h.ssh.jump).map((h) => [h.name, at(ctx, raw.hosts[h.name]?.ssh?.jump ? ['hosts', h.name, 'ssh', 'jump'] : ['defaults', 'ssh', 'jump'])]));
  ctx.problems.push(...crossChecks(hosts, certificates, referenced, jumpLocs));
  const sha256 = createHash('sha256').update(text).digest('hex');
  const inventory: Inventory = { path: file, baseDir, sha256, hosts, certificates, dns: { zones, tlsa } };
  if (raw.dns?.resolver) inventory.dns.resolver = raw.dns.resolver;
  const problems = sortProblems(ctx.problems);
  return hasErrors(problems) ? { problems } : { inventory, problems };
}

/** File order: by line, then column; problems without a location keep their order, last. */
function sortProblems(all: Problem[]): Problem[] {
  // The same finding twice (e.g. once per defaulted endpoint) is one problem.
  const seen = new Set<string>();
  const ps = all.filter((p) => {
    const id = JSON.stringify([p.code, p.message, p.where]);
    return seen.has(id) ? false : (seen.add(id), true);
  });
  const key = (p: Problem) => (isLoc(p.where) ? p.where.line * 100000 + p.where.column : Number.MAX_SAFE_INTEGER);
  return ps.map((p, i) => ({ p, i })).sort((a, b) => key(a.p) - key(b.p) || a.i - b.i).map((x) => x.p);
}

/** Reads and checks an inventory file; an unreadable file is a problem, not an exception. */
export async function checkInventory(file: string, opts: LoadOptions = {}): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`;
    return { problems: [problem('INVENTORY_UNREADABLE', `inventory ${file} ${why}`)] };
  }
  return checkInventorySource(text, file, opts);
}

/**
 * The inventory every verb uses. Throws MailtlsError (exit code 1) carrying every error and
 * warning when there is any error; warnings alone do not stop it (see checkInventory).
 */
export async function loadInventory(file: string, opts: LoadOptions = {}): Promise<Inventory> {
  const { inventory, problems } = await checkInventory(file, opts);
  if (!inventory) throw new MailtlsError(problems);
  return inventory;
}
