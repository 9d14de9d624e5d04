// Crash recovery: a deploy is SIGKILLed between swap and verify (new files on disk, daemon
// reloaded, lock held, backups beside the targets); recover() reads the journal and rolls the
// host back to a consistent old state, reload included. Plus the decision table on journals.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recover, recoverHost, decideGroup } from '../../../src/apply/recovery.ts';
import { FileJournal, type JournalLine } from '../../../src/apply/journal.ts';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { probeTls } from './helpers/probe.ts';
import { makeCa } from './helpers/pki.ts';
import { fp, fullchain, makeFixture, realClock } from './helpers/fixture.ts';

const t = suite('apply/recovery');
const ca = makeCa();
const here = dirname(fileURLToPath(import.meta.url));

t('SIGKILL between swap and verify: recovery restores the old files, reloads, old served, lock released', async () => {
  const f = await makeFixture({ ca });
  try {
    const params = join(f.dir, 'params.json');
    writeFileSync(params, JSON.stringify({
      certPath: f.certPath, keyPath: f.keyPath, pid: f.pid, port: f.port, stateDir: f.stateDir, journalDir: f.journalDir, runId: 'run-crash',
      next: { cert: f.next.cert.toString(), key: f.next.key.toString(), chain: f.next.chain.toString() },
    }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'helpers', 'crash-child.ts'), params], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('AT-VERIFY')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code} before verify`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // The crash left the new files in place, the daemon reloaded onto them, the lock held.
    assert.equal(readFileSync(f.certPath), fullchain(f.next));
    assert.ok(existsSync(`${f.stateDir}/lock.json`));
    assert.is(f.leftovers().filter((n) => n.includes('mailtls-bak')).length, 2);

    const runs = await recover(f.journalDir);
    assert.is(runs.length, 1);
    const run = runs[0]!;
    assert.is(run.alive, false);
    const host = run.hosts[0]!;
    assert.is(host.lockHeld, true);
    assert.is(host.groups[0]!.action, 'rollback');
    assert.is(host.groups[0]!.reloadPending, true);

    const journal = await FileJournal.open(f.journalDir, run.runId);
    const res = await recoverHost({
      session: f.session, probe: (e) => probeTls(e, 1000), clock: realClock, log: { event: () => {} }, journal,
      verifyPolicy: { timeoutMs: 3000, initialDelayMs: 50, maxDelayMs: 400, factor: 2 }, execTimeoutMs: 10_000,
    }, run, host);
    assert.ok(res.every((r) => r.ok), JSON.stringify(res));
    await journal.end();
    await journal.close();

    assert.equal(readFileSync(f.certPath), fullchain(f.old));
    assert.equal(readFileSync(f.keyPath), f.old.key);
    assert.is(await f.served(), fp(f.old));
    assert.equal(f.leftovers(), []);
    assert.not.ok(existsSync(`${f.stateDir}/lock.json`));
    assert.equal(await recover(f.journalDir), [], 'the journal is finished');
    // And the host takes a new deploy normally afterwards.
    const again = await deployGroup(f.request(f.next), await f.deps('run-after'));
    assert.is(again.outcome, 'applied', JSON.stringify(again.problems));
  } finally {
    await f.close();
  }
});

const line = (step: string, data?: Record<string, unknown>): JournalLine => ({ ts: '', run_id: 'r', seq: 0, host: 'h', group: 'g', step, ...(data ? { data } : {}) });
const swapData = { state_dir: '/s', reload_pending: true, services: [], verify_old: [], targets: [{ action: 'write' }], manifest: {} };

t('decision table: before the swap → cleanup; verified → complete; swapped → rollback; reload owed survives', () => {
  assert.is(decideGroup('g', [line('begin'), line('stage', { temps: ['/a'] })]).action, 'cleanup');
  assert.equal(decideGroup('g', [line('stage', { temps: ['/a'] }), line('backup', { backups: ['/b'] })]).leftovers, ['/a', '/b']);
  assert.is(decideGroup('g', [line('swap', swapData), line('reload'), line('reload-ok'), line('verify'), line('verified'), line('manifest')]).action, 'complete');
  const mid = decideGroup('g', [line('swap', swapData), line('validate')]);
  assert.is(mid.action, 'rollback');
  assert.is(mid.reloadPending, false, 'no reload ran since the swap: restoring the files is enough');
  const reloading = decideGroup('g', [line('swap', swapData), line('reload')]);
  assert.is(reloading.reloadPending, true);
  const owed = decideGroup('g', [line('swap', swapData), line('reload'), line('restore'), line('restored'), line('rollback-reload'), line('done', { outcome: 'rolled-back' })]);
  assert.is(owed.action, 'reload', 'a reload that never succeeded is still owed after the run ended');
  assert.is(decideGroup('g', [line('swap', swapData), line('reload'), line('reload-ok'), line('done', { outcome: 'applied' })]).action, 'none');
  assert.is(decideGroup('g', [line('swap', swapData), line('done', { outcome: 'failed-rollback', rollback_stage: 'restore' })]).action, 'manual');
  const dropped = decideGroup('g', [line('stage', { temps: ['/t'] }), line('done', { outcome: 'failed', stage: 'stage', left: ['/t'] })]);
  assert.equal([dropped.action, dropped.leftovers], ['cleanup', ['/t']], 'files a dropped connection left behind are cleaned up later');
  const retry = decideGroup('g', [line('swap', swapData), line('reload'), line('restore'), line('restored'), line('rollback-reload'), line('done', { outcome: 'failed-rollback', rollback_stage: 'rollback-reload' })]);
  assert.is(retry.action, 'reload', 'a failed rollback reload is retried');
});

t.run();
