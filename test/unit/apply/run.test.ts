// Apply across hosts: parallel hosts, a per-host lock held across its groups, the failure budget
// (--max-failures), outcomes per host and the exit code; and the listr2 progress without a TTY
// (one line per step, prefixed with the host).
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { ProcessOutput, createWritable } from 'listr2';
import { runApply, type HostWork } from '../../../src/apply/run.ts';
import { withProgress } from '../../../src/apply/progress.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { recover } from '../../../src/apply/recovery.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import type { ApplyLog } from '../../../src/apply/types.ts';
import { makeCa } from './helpers/pki.ts';
import { fp, makeFixture, realClock, type Fixture } from './helpers/fixture.ts';
import { probeTls } from './helpers/probe.ts';

const t = suite('apply/run');
const ca = makeCa();

function work(name: string, f: Fixture, broken = false): HostWork {
  const req = { ...f.request(f.next), host: name, group: `${name}/daemon` };
  if (broken) req.services[0]!.validate = [['false']];
  return { host: name, requests: [req], stateDir: f.stateDir, openSession: async () => new LocalSession({ host: name }) };
}

const opts = (journal: FileJournal, log: ApplyLog = { event: () => {} }) => ({
  runId: journal.runId, journal, log, probe: (e: Parameters<typeof probeTls>[0]) => probeTls(e, 1000), clock: realClock,
  verifyPolicy: { timeoutMs: 2500, initialDelayMs: 50, maxDelayMs: 400, factor: 2 },
});

t('three hosts, one fails: the failure budget skips the rest; exit code 5; outcomes per host', async () => {
  const fs = [await makeFixture({ ca }), await makeFixture({ ca }), await makeFixture({ ca })];
  try {
    const journal = await FileJournal.open(`${fs[0]!.dir}/journal`, 'run-budget');
    const r = await runApply([work('h1', fs[0]!), work('h2', fs[1]!, true), work('h3', fs[2]!)], { ...opts(journal), parallelism: 1, maxFailures: 1 });
    await journal.close();
    assert.equal(r.hosts.map((h) => [h.host, h.outcome]), [['h1', 'applied'], ['h2', 'rolled-back'], ['h3', 'skipped']]);
    assert.is(r.exit_code, 5);
    assert.equal(r.summary, { applied: 1, unchanged: 0, 'rolled-back': 1, 'failed-rollback': 0, failed: 0, skipped: 1 });
    assert.is(await fs[0]!.served(), fp(fs[0]!.next));
    assert.is(await fs[1]!.served(), fp(fs[1]!.old));
    assert.is(await fs[2]!.served(), fp(fs[2]!.old));
    for (const f of fs) assert.not.ok(existsSync(`${f.stateDir}/lock.json`), 'every lock released');
    assert.equal(await recover(`${fs[0]!.dir}/journal`), [], 'the run ended cleanly: nothing to recover');
    assert.not.ok(JSON.stringify(r).includes('PRIVATE KEY'));
  } finally {
    for (const f of fs) await f.close();
  }
});

t('parallel hosts all succeed (exit 0); the same run again is unchanged everywhere', async () => {
  const fs = [await makeFixture({ ca }), await makeFixture({ ca })];
  try {
    const j1 = await FileJournal.open(`${fs[0]!.dir}/journal`, 'run-p1');
    const r1 = await runApply([work('a', fs[0]!), work('b', fs[1]!)], { ...opts(j1), parallelism: 2 });
    assert.is(r1.exit_code, 0, JSON.stringify(r1.hosts.map((h) => h.problems)));
    assert.equal(r1.hosts.map((h) => h.outcome), ['applied', 'applied']);
    const j2 = await FileJournal.open(`${fs[0]!.dir}/journal`, 'run-p2');
    const r2 = await runApply([work('a', fs[0]!), work('b', fs[1]!)], { ...opts(j2), parallelism: 2 });
    assert.equal(r2.hosts.map((h) => h.outcome), ['unchanged', 'unchanged']);
    assert.is(r2.exit_code, 0);
    assert.is(fs[0]!.reloads() + fs[1]!.reloads(), 2, 'only the first run reloaded');
    await j1.close();
    await j2.close();
  } finally {
    for (const f of fs) await f.close();
  }
});

t('a host that cannot be reached fails alone; the others go on', async () => {
  const f = await makeFixture({ ca });
  try {
    const journal = await FileJournal.open(`${f.dir}/journal`, 'run-unreach');
    const dead: HostWork = { host: 'dead', requests: [], openSession: () => Promise.reject(new Error('connection refused')) };
    const r = await runApply([dead, work('ok', f)], { ...opts(journal), parallelism: 2 });
    await journal.close();
    assert.equal(r.hosts.map((h) => h.outcome), ['failed', 'applied']);
    assert.is(r.hosts[0]!.problems[0]!.code, 'APPLY_HOST_FAILED');
    assert.is(r.exit_code, 5);
  } finally {
    await f.close();
  }
});

t('progress without a TTY: one line per step, each prefixed with its host; the result passes through', async () => {
  const fs = [await makeFixture({ ca }), await makeFixture({ ca })];
  try {
    let text = '';
    const w = createWritable((chunk: string) => (text += chunk));
    const journal = await FileJournal.open(`${fs[0]!.dir}/journal`, 'run-progress');
    const r = await withProgress(['m1', 'm2'], (log) => runApply([work('m1', fs[0]!), work('m2', fs[1]!, true)], { ...opts(journal, log), parallelism: 2 }), {
      tty: false, output: new ProcessOutput(w as unknown as NodeJS.WriteStream, w as unknown as NodeJS.WriteStream),
    });
    await journal.close();
    assert.is(r.exit_code, 5);
    const lines = text.split('\n').filter((l) => l.includes(': '));
    assert.ok(lines.some((l) => /m1 \[m1\/daemon\]: .*verify/.test(l)), text);
    assert.ok(lines.some((l) => /m2 \[m2\/daemon\]: ✖ validate/.test(l)), text);
    assert.not.ok(text.includes('PRIVATE KEY'));
  } finally {
    for (const f of fs) await f.close();
  }
});

t.run();
