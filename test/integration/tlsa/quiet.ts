// The lab is shared: other suites (cli-apply, plan…) renew the source and apply while they run,
// and a DNS rollover in between would fight them. Wait until no other integration test file runs.
import { readdirSync, readFileSync } from 'node:fs';

export function otherIntegrationTestRunning(self: string): boolean {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid && Number(pid) !== process.ppid)
    .some((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return /test\/integration\/.*\.test\.ts/.test(cmd) && !cmd.includes(self);
      } catch {
        return false;
      }
    });
}

export async function waitForQuietLab(self = 'test/integration/tlsa/', maxMs = 10 * 60_000): Promise<void> {
  const end = Date.now() + maxMs;
  while (otherIntegrationTestRunning(self) && Date.now() < end) await new Promise((r) => setTimeout(r, 2000));
}
