// Deploys to a lab host over SSH and is SIGKILLed by the test between swap and verify: prints
// `AT-VERIFY` when the first probe starts; that probe never returns.
//   node --import tsx crash-child.ts <host> <journalDir> <runId> <certPemFile> <keyPemFile>
import { readFileSync } from 'node:fs';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { clock, connect, labRequest, stateDir, verifyPolicy, type LabHost } from './lab.ts';

const [h, journalDir, runId, certFile, keyFile] = process.argv.slice(2) as [LabHost, string, string, string, string];
const journal = await FileJournal.open(journalDir, runId);
await journal.start();
const session = await connect(h);
await deployGroup(labRequest(h, { cert: readFileSync(certFile), key: readFileSync(keyFile) }), {
  session,
  probe: () => {
    process.stdout.write('AT-VERIFY\n');
    return new Promise(() => {});
  },
  clock, journal, log: { event: () => {} }, runId, owner: 'crash@lab', stateDir: stateDir(h),
  lockTtlMs: 600_000, verifyPolicy, execTimeoutMs: 30_000,
});
