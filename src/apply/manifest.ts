// The "last applied" manifest on the host: per service group, what mailtls installed (hashes,
// leaf identities, modes), with the plan hash and inventory commit, so a later plan can tell
// whether the host, the repository or the clock changed. Never bytes.
import type { HostSession } from '../transport/types.ts';
import type { Target } from './targets.ts';
import { leafIdentity } from './material.ts';
import { manifestPath, modeString } from './paths.ts';
import { ensureDir } from './lock.ts';

export interface ManifestFile {
  path: string;
  role: string;
  sha256: string;
  mode: string;
  owner: string;
  fingerprint?: string;
  spki?: string;
  not_after?: string;
}

export interface ManifestGroup {
  applied_at: string;
  run_id: string;
  plan_hash: string | null;
  inventory_commit: string | null;
  change_ids: string[];
  files: ManifestFile[];
}

export interface Manifest {
  format_version: 1;
  host: string;
  updated_at: string;
  groups: Record<string, ManifestGroup>;
}

export async function readManifest(session: HostSession, stateDir: string): Promise<Manifest | undefined> {
  const p = manifestPath(stateDir);
  if (!(await session.lstat(p))) return undefined;
  try {
    const m = JSON.parse((await session.readFile(p)).toString('utf8')) as Manifest;
    return m && typeof m === 'object' && m.groups ? m : undefined;
  } catch {
    return undefined;
  }
}

export function manifestFiles(targets: Target[]): ManifestFile[] {
  return targets.map((t) => {
    const leaf = t.file.role === 'key' ? undefined : leafIdentity(t.file.bytes);
    return {
      path: t.file.path,
      role: t.file.role,
      sha256: t.sha256,
      mode: modeString(t.file.mode),
      owner: `${t.file.owner}:${t.file.group}`,
      ...(leaf ? { fingerprint: leaf.fingerprint, spki: leaf.spki, not_after: leaf.notAfter } : {}),
    };
  });
}

/** Read-modify-write under the host lock; replaced atomically (temp + rename). */
export async function recordManifest(session: HostSession, stateDir: string, group: string, entry: ManifestGroup, now: Date): Promise<void> {
  await ensureDir(session, stateDir);
  const m: Manifest = (await readManifest(session, stateDir)) ?? { format_version: 1, host: session.host, updated_at: '', groups: {} };
  m.groups[group] = entry;
  m.updated_at = now.toISOString();
  const p = manifestPath(stateDir);
  const tmp = `${p}.mailtls-tmp-${entry.run_id}`;
  await session.unlink(tmp).catch(() => {});
  await session.writeNewFile(tmp, Buffer.from(JSON.stringify(m, null, 2) + '\n'), 0o644);
  await session.rename(tmp, p);
}
