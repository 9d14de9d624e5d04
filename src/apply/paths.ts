// Names of the files mailtls leaves beside a target while it works: hidden, tagged with the run
// id, in the same directory so every rename is atomic (same filesystem).
import { posix } from 'node:path';

export function tempPath(target: string, runId: string): string {
  return posix.join(posix.dirname(target), `.${posix.basename(target)}.mailtls-tmp-${runId}`);
}

export function backupPath(target: string, runId: string): string {
  return posix.join(posix.dirname(target), `.${posix.basename(target)}.mailtls-bak-${runId}`);
}

/** A leftover of any run: `.name.mailtls-tmp-<run>` or `.name.mailtls-bak-<run>`. */
export function isLeftover(name: string): boolean {
  return /^\..+\.mailtls-(tmp|bak)-[A-Za-z0-9._-]+$/.test(name);
}

export function lockPath(stateDir: string): string {
  return posix.join(stateDir, 'lock.json');
}

export function manifestPath(stateDir: string): string {
  return posix.join(stateDir, 'manifest.json');
}

export function modeString(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

/** Resolves a path that may be relative to the directory of a symlink (readlink output). */
export function resolveLink(linkPath: string, target: string): string {
  return posix.isAbsolute(target) ? target : posix.join(posix.dirname(linkPath), target);
}
