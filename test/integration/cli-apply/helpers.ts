// Shared by the `mailtls apply` CLI suites: the lab's managed files and endpoints (from labEnv),
// what each file holds and how it is stored, what every endpoint serves, and putting the lab back
// to its baseline (source version 1 deployed everywhere, an empty plan).
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { restoreSource, sourceVersion } from '../../lab/index.ts';
import { probeEndpoint } from '../../../src/probe/tls/index.ts';
import { mailtls, type CliResult } from '../status/cli.ts';
import { env, rootInventory } from '../status/lab-inventory.ts';

export { mailtls, env, rootInventory };
export type { CliResult };

type Starttls = 'smtp' | 'imap' | 'pop3' | 'sieve';
export interface ManagedService {
  host: 'mx1' | 'mx2';
  service: 'postfix' | 'dovecot';
  cert: string;
  key: string;
  endpoints: { port: number; starttls?: Starttls }[];
}

export const managed: ManagedService[] = [
  { host: 'mx1', service: 'postfix', ...env.hosts.mx1.services.postfix },
  { host: 'mx1', service: 'dovecot', ...env.hosts.mx1.services.dovecot },
  { host: 'mx2', service: 'postfix', ...env.hosts.mx2.services.postfix },
];

export const managedFiles = (): string[] => managed.flatMap((s) => [s.cert, s.key]);

/** Serial of the first certificate in a PEM file (lowercase hex, as the lab and probes print it). */
export function fileSerial(path: string): string {
  return new X509Certificate(readFileSync(path)).serialNumber.toLowerCase();
}

export interface FileStat {
  ino: number;
  mtimeMs: number;
  mode: string;
  uid: number;
  gid: number;
}

export function fileStat(path: string): FileStat {
  const s = statSync(path);
  return { ino: s.ino, mtimeMs: s.mtimeMs, mode: (s.mode & 0o7777).toString(8).padStart(4, '0'), uid: s.uid, gid: s.gid };
}

export const stats = (): Record<string, FileStat> => Object.fromEntries(managedFiles().map((p) => [p, fileStat(p)]));

/** Serial of the leaf every endpoint of the host's service serves (one entry per endpoint). */
export async function servedSerials(s: ManagedService): Promise<Record<string, string | undefined>> {
  const address = env.hosts[s.host].address;
  const out: Record<string, string | undefined> = {};
  for (const e of s.endpoints) {
    const r = await probeEndpoint({ host: s.host, service: s.service, address, port: e.port, sni: env.hosts[s.host].name, ...(e.starttls ? { starttls: e.starttls } : {}), timeoutMs: 10_000 });
    out[`${s.host}:${e.port}`] = r.chain?.[0]?.serial?.toLowerCase();
  }
  return out;
}

/** Asserts every endpoint of every listed service serves `serial`. */
export async function assertServed(services: ManagedService[], serial: string, what: string): Promise<void> {
  for (const s of services) {
    for (const [ep, got] of Object.entries(await servedSerials(s))) assert.is(got, serial, `${ep} (${s.service}) serves ${what}`);
  }
}

export const lastLine = (s: string): string => s.trimEnd().split('\n').pop() ?? '';

export function journalCount(): number {
  try {
    return readdirSync('.mailtls/journal').length;
  } catch {
    return 0;
  }
}

/** The root inventory with changes, in a temp dir (its paths are absolute); same host names. */
export async function inventoryVariant(name: string, edit: (text: string) => string): Promise<string> {
  const text = await readFile(rootInventory(), 'utf8');
  const changed = edit(text);
  assert.is.not(changed, text, `the ${name} edit changed the inventory`);
  const path = join(mkdtempSync(join(tmpdir(), `mailtls-${name}-`)), 'hosts.yaml');
  await writeFile(path, changed);
  return path;
}

/**
 * Puts the lab back: source at version 1, its bytes deployed everywhere (the original
 * certificate expires earlier than a renewed one, hence --allow downgrade), then an empty plan.
 */
export async function restoreLab(): Promise<void> {
  if (sourceVersion() !== 1) await restoreSource(1);
  const inv = rootInventory();
  const p = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  if (p.code !== 0) {
    const a = await mailtls(['apply', '-f', inv, '--auto-approve', '--allow', 'downgrade']);
    assert.is(a.code, 0, `restoring the lab: ${a.stdout}${a.stderr}`);
  }
  const again = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(again.code, 0, `the lab is back at its baseline: ${again.stdout}${again.stderr}`);
}
