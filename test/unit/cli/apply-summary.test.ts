// The apply summary (pure): every host outcome, the loud failed rollback with backup paths and
// the unlock hint, recovery lines, the final line, the job-summary table; and the small
// helpers (state dir template, borrowed sessions whose close is the cache's business).
import * as assert from 'uvu/assert';
import { Command } from 'commander';
import { suite } from '../../helpers/suite.ts';
import { applyMarkdown, applySummaryLine, applyText, hostLines } from '../../../src/cli/apply-summary.ts';
import { addStateDirOption, borrowed, stateDirOf, stateDirTemplate, DEFAULT_STATE_DIR_TEMPLATE } from '../../../src/cli/apply-support.ts';
import type { ApplyPlanResult, GroupResult, HostResult } from '../../../src/apply/index.ts';
import type { HostSession } from '../../../src/transport/types.ts';

const t = suite('cli: apply summary and helpers');

function group(host: string, over: Partial<GroupResult> = {}): GroupResult {
  return {
    host, group: `${host}/postfix`, outcome: 'applied',
    files: [
      { path: '/etc/x/cert.pem', effectivePath: '/etc/x/cert.pem', action: 'replace', sha256: 'a'.repeat(64), mode: '0644', owner: 'root:root' },
      { path: '/etc/x/key.pem', effectivePath: '/etc/x/key.pem', action: 'unchanged', sha256: 'b'.repeat(64), mode: '0600', owner: 'root:root' },
    ],
    reloaded: ['postfix'],
    verified: [{ service: 'postfix', endpoint: '192.0.2.1:25', ok: true, attempts: 1 }, { service: 'postfix', endpoint: '192.0.2.1:465', ok: true, attempts: 2 }],
    problems: [],
    ...over,
  };
}

const host = (name: string, outcome: HostResult['outcome'], groups: GroupResult[], problems: HostResult['problems'] = []): HostResult => ({ host: name, outcome, groups, problems });

function result(hosts: HostResult[], recovered: ApplyPlanResult['recovered'] = []): ApplyPlanResult {
  const summary = { applied: 0, unchanged: 0, 'rolled-back': 0, 'failed-rollback': 0, failed: 0, skipped: 0 };
  for (const h of hosts) summary[h.outcome]++;
  return { format_version: '1.0', run_id: 'r1', started_at: '', finished_at: '', exit_code: hosts.every((h) => h.outcome === 'applied' || h.outcome === 'unchanged') ? 0 : 5, summary, hosts, recovered, problems: [] };
}

t('applied: files written, reloads and verified endpoints per group', () => {
  assert.equal(hostLines(host('mx1', 'applied', [group('mx1')])), ['mx1: applied', '  mx1/postfix: 1 file written; reloaded postfix; 2/2 endpoints serve the new certificate']);
});

t('rolled back names the failed step; failed says why; skipped says the budget', () => {
  const rb = group('mx2', { outcome: 'rolled-back', failure: { stage: 'reload', code: 'APPLY_RELOAD_FAILED', message: 'postfix: exit 1' } });
  assert.equal(hostLines(host('mx2', 'rolled-back', [rb])), ['mx2: ROLLED BACK — the old files are back, the old certificate is served', '  mx2/postfix: failed at reload: APPLY_RELOAD_FAILED postfix: exit 1']);
  const failed = host('mx3', 'failed', [], [{ code: 'LOCK_HELD', severity: 'error', message: 'mx3 is locked by run x' }]);
  assert.equal(hostLines(failed), ['mx3: FAILED — mx3 is locked by run x']);
  const skipped = host('mx4', 'skipped', [], [{ code: 'APPLY_HOST_SKIPPED', severity: 'warning', message: 'mx4: not started, 1 host(s) failed (--max-failures 1)' }]);
  assert.equal(hostLines(skipped), ['mx4: skipped — mx4: not started, 1 host(s) failed (--max-failures 1)']);
});

t('a failed rollback is loud: both steps, every backup path, the unlock hint', () => {
  const g = group('mx2', {
    outcome: 'failed-rollback',
    failure: { stage: 'verify', code: 'APPLY_VERIFY_FAILED', message: 'postfix 192.0.2.2:25: wrong certificate' },
    rollbackFailure: { stage: 'restore', code: 'APPLY_ROLLBACK_FAILED', message: 'rename failed', backups: ['/etc/x/.cert.pem.mailtls-bak-r1', '/etc/x/.key.pem.mailtls-bak-r1'] },
  });
  const text = hostLines(host('mx2', 'failed-rollback', [g])).join('\n');
  assert.match(text, /!!! mx2: ROLLBACK FAILED/);
  assert.match(text, /failed at verify: APPLY_VERIFY_FAILED/);
  assert.match(text, /then the rollback failed at restore: APPLY_ROLLBACK_FAILED rename failed/);
  assert.match(text, /\n {4}\/etc\/x\/\.cert\.pem\.mailtls-bak-r1\n {4}\/etc\/x\/\.key\.pem\.mailtls-bak-r1/);
  assert.match(text, /mailtls unlock mx2/);
});

t('the summary line is last and counts every outcome; recovery is reported first', () => {
  const r = result([host('mx1', 'applied', [group('mx1')]), host('mx2', 'rolled-back', [group('mx2', { outcome: 'rolled-back' })]), host('mx3', 'unchanged', [])]);
  assert.is(applySummaryLine(r), 'Apply complete: 1 host applied, 1 rolled back, 0 failed (1 unchanged).');
  assert.is(applySummaryLine(result([host('a', 'applied', []), host('b', 'applied', [])])), 'Apply complete: 2 hosts applied, 0 rolled back, 0 failed.');
  const withRecovery = result([host('mx1', 'applied', [group('mx1')])], [{ run_id: 'old', host: 'mx2', results: [{ group: 'mx2/postfix', action: 'rollback', ok: true, message: 'old files restored' }] }]);
  const text = applyText(withRecovery).trimEnd().split('\n');
  assert.is(text[0], 'recovered mx2 (interrupted run old): mx2/postfix: rollback — old files restored');
  assert.is(text.at(-1), 'Apply complete: 1 host applied, 0 rolled back, 0 failed.');
  const unrecovered = result([], [{ run_id: 'old', host: 'mx2', results: [{ group: 'mx2/postfix', action: 'reload', ok: false, message: 'reload still failing' }] }]);
  assert.is(applySummaryLine(unrecovered), 'Apply complete: 0 hosts applied, 0 rolled back, 0 failed (1 host with an interrupted run NOT recovered).');
});

t('job summary: a table row per host, pipes escaped', () => {
  const md = applyMarkdown(result([host('mx1', 'failed', [], [{ code: 'X', severity: 'error', message: 'a | b' }])]));
  assert.match(md, /^### mailtls apply\n\n\*\*Apply complete: 0 hosts applied, 0 rolled back, 1 failed\.\*\*/);
  assert.match(md, /\| mx1 \| failed \| a \\\| b \|/);
});

t('state dir: {host} expanded; flag > MAILTLS_STATE_DIR > default', () => {
  assert.is(stateDirOf(DEFAULT_STATE_DIR_TEMPLATE, 'mx1'), '/var/lib/mailtls/mx1');
  assert.is(stateDirOf('/srv/{host}/m-{host}', 'a'), '/srv/a/m-a');
  const parse = (argv: string[]) => {
    const cmd = addStateDirOption(new Command('x').exitOverride());
    cmd.parse(argv, { from: 'user' });
    return stateDirTemplate(cmd, cmd.opts<{ stateDir: string }>().stateDir, { MAILTLS_STATE_DIR: '/env/{host}' });
  };
  assert.is(parse([]), '/env/{host}');
  assert.is(parse(['--state-dir', '/flag/{host}']), '/flag/{host}');
});

t('borrowed: close is a no-op, every other method reaches the real session', async () => {
  let closed = 0;
  class Fake {
    readonly host = 'mx1';
    #secret = 'x';
    async close() {
      closed++;
    }
    async readFile(p: string) {
      return Buffer.from(`${this.#secret}:${p}`);
    }
  }
  const real = new Fake() as unknown as HostSession;
  const b = borrowed(real);
  await b.close();
  assert.is(closed, 0);
  assert.is((await b.readFile('/a')).toString(), 'x:/a', 'methods run bound to the real session (private fields work)');
  assert.is(b.host, 'mx1');
});

t.run();
