// The lab's programmatic API for integration tests. The test runner starts the lab before the
// integration tier; tests still call `labUp()` (idempotent, cheap when everything runs).
import { up, down, status } from './lab.ts';
import type { UpResult, DownResult } from './lab.ts';
import type { ComponentHealth } from './health.ts';
import { labEnv } from './env.ts';
import { layout } from './layout.ts';
import type { SshHost } from './layout.ts';
import { freezeSecondary, thawSecondary } from './knot.ts';
import { renewSourceWith, restoreSourceWith, latestVersion } from './source.ts';
import type { RenewResult } from './source.ts';
import { sshExecWith, sshArgv } from './sshd.ts';
import type { RunResult } from './run.ts';
import { withLock } from './lock.ts';
import { dnsUpdate, issueFromPebble } from './acme.ts';

export { labEnv, issueFromPebble, dnsUpdate };
export type { LabEnv, ServiceFiles } from './env.ts';
export type { UpResult, DownResult, ComponentHealth, RenewResult, RunResult, SshHost };
export type { Issued } from './acme.ts';

let upOnce: Promise<UpResult> | undefined;

/** Brings the lab up (or confirms it runs). Memoised per process; `force` checks again. */
export function labUp(opts: { force?: boolean } = {}): Promise<UpResult> {
  if (!upOnce || opts.force) upOnce = up();
  upOnce.catch(() => (upOnce = undefined));
  return upOnce;
}

/** Stops every lab process (by PID) and checks they are gone. Only the lab's own tests use it. */
export async function labDown(): Promise<DownResult> {
  upOnce = undefined;
  return down();
}

export function labStatus(): Promise<ComponentHealth[]> {
  return status();
}

/** Holds ns2 back: it keeps its current serial until `releaseSecondary()`. */
export function holdSecondary(): Promise<void> {
  return freezeSecondary(layout());
}

export function releaseSecondary(): Promise<void> {
  return thawSecondary(layout());
}

/** Renews the npm source like certbot (new archive version, live links repointed). */
export function renewSource(opts: { newKey?: boolean } = {}): Promise<RenewResult> {
  const l = layout();
  return withLock(l.lock, () => renewSourceWith(l, opts));
}

/** The newest archive version N of the npm lineage (certN.pem). */
export function sourceVersion(): number {
  return latestVersion(layout());
}

/** Test clean-up after `renewSource`: live/ back to version n, newer archive files removed. */
export function restoreSource(version: number): Promise<void> {
  const l = layout();
  return withLock(l.lock, async () => restoreSourceWith(l, version));
}

/** Runs argv on a lab host over the system ssh client (lab identity, pinned known_hosts). */
export function sshExec(host: SshHost, argv: string[], input?: string | Buffer): Promise<RunResult> {
  return sshExecWith(layout(), host, argv, input);
}

/** The ssh argv prefix (up to and including `root@address`) for a lab host. */
export function sshCommand(host: SshHost): string[] {
  return sshArgv(layout(), host);
}
