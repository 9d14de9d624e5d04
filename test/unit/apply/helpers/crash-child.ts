// Runs one deploy and gets SIGKILLed by the test between swap and verify: it prints
// `AT-VERIFY` when the first probe starts, and that probe never returns.
//   node --import tsx crash-child.ts <params.json>
import { readFileSync } from 'node:fs';
import { deployGroup } from '../../../../src/apply/transaction.ts';
import { FileJournal } from '../../../../src/apply/journal.ts';
import { LocalSession } from '../../../../src/transport/local.ts';
import { realClock, requestFor, type Installed } from './fixture.ts';
import type { Pem } from './pki.ts';

const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Installed & { stateDir: string; journalDir: string; runId: string; next: Record<keyof Pem, string> };
const next: Pem = { cert: Buffer.from(p.next.cert), key: Buffer.from(p.next.key), chain: Buffer.from(p.next.chain) };
const journal = await FileJournal.open(p.journalDir, p.runId);
await journal.start();
await deployGroup(requestFor(p, next), {
  session: new LocalSession({ host: 'local' }),
  probe: () => {
    process.stdout.write('AT-VERIFY\n');
    return new Promise(() => {});
  },
  clock: realClock, journal, log: { event: () => {} }, runId: p.runId, owner: 'crash@test', stateDir: p.stateDir,
  lockTtlMs: 600_000, verifyPolicy: { timeoutMs: 60_000, initialDelayMs: 50, maxDelayMs: 400, factor: 2 }, execTimeoutMs: 10_000,
});
