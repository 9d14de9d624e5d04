// The status, plan and show verbs run for real (child processes, no daemons): hosts whose SSH
// and mail ports refuse connections on loopback are findings / a blocking guard, never a
// crash; show renders a saved plan and warns (not fails) about the inventory. Every output is
// scanned for key material.
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { refusedHostInventory, runCli } from './helpers/refused-host.ts';

const t = suite('cli: status, plan, show (no daemons)');
const { dir, inv } = refusedHostInventory('mailtls-verbs-');
const run = runCli;

t('--help lists the verbs', () => {
  const r = run(['--help']);
  for (const v of ['status', 'plan', 'show']) assert.match(r.stdout, new RegExp(`\\n  ${v} `));
});

t('status: an unreachable host is a finding (exit 0, or 2 with --detailed-exitcode), JSON with format_version', () => {
  const text = run(['status', '-f', inv]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /mx: error SSH_REFUSED/);
  assert.match(text.stdout, /✗ 127\.0\.77\.1:2525 starttls=smtp {2}refused/);
  assert.match(text.stdout.trimEnd().split('\n').pop() ?? '', /^Status: 1 host, 1 service, 1 endpoint, 0 TLSA names — NOT consistent/);
  const json = run(['status', '-f', inv, '--format', 'json', '--detailed-exitcode']);
  assert.is(json.code, 2);
  const s = JSON.parse(json.stdout);
  assert.is(s.format_version, '1.0');
  assert.is(s.hosts[0].reachable, false);
  const env = run(['status'], { MAILTLS_FILE: inv, MAILTLS_DETAILED_EXITCODE: '1' });
  assert.is(env.code, 2, 'flags from MAILTLS_* variables');
});

t('plan: the unreachable host blocks (exit 4), says partial first, summary last; --exclude leaves nothing to do', () => {
  const r = run(['plan', '-f', inv, '--detailed-exitcode'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') });
  assert.is(r.code, 4, r.stdout + r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[1] ?? '', /^PARTIAL PLAN: unreachable: mx/);
  assert.match(lines[lines.length - 1] ?? '', /guard blocks/);
  assert.match(r.stderr, /GUARD_UNREACHABLE_HOST/);
  assert.match(r.stderr, /^::error::GUARD_UNREACHABLE_HOST/m);
  const ex = run(['plan', '-f', inv, '--exclude', 'mx', '--detailed-exitcode']);
  assert.is(ex.code, 0, ex.stdout + ex.stderr);
  assert.match(ex.stdout, /PARTIAL PLAN: excluded: mx/);
  const bad = run(['plan', '-f', inv, '--host', 'nope']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /UNKNOWN_HOST/);
});

t('show: renders a saved plan in each format; warns when the inventory cannot be compared', () => {
  const saved = 'test/fixtures/plan/busy.json';
  const text = run(['show', saved]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stderr, /warning PLAN_STALE/);
  assert.match(text.stdout, /^mailtls plan of hosts\.yaml/);
  assert.is(run(['show', saved, '--format', 'json']).code, 0);
  assert.match(run(['show', saved, '--format', 'markdown']).stdout, /### mailtls plan/);
  assert.is(run(['show', saved, '--detailed-exitcode']).code, 4, 'busy.json has a blocking guard');
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"format_version": "1.0"}');
  const b = run(['show', broken]);
  assert.is(b.code, 1);
  assert.match(b.stderr, /PLAN_FILE_INVALID/);
});

t.run();
