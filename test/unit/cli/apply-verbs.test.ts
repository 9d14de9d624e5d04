// `apply` and `unlock` run for real (child processes, no daemons): a host whose SSH port refuses
// is a blocking guard (exit 4, nothing attempted), a broken plan file exit 1, bad flags exit 1,
// unlock of an unknown or unreachable host exit 1. Every output is scanned for key material.
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { refusedHostInventory, runCli } from './helpers/refused-host.ts';

const t = suite('cli: apply, unlock (no daemons)');
const { dir, inv } = refusedHostInventory('mailtls-apply-verbs-');
const run = runCli;

t('--help lists apply and unlock', () => {
  const r = run(['--help']);
  for (const v of ['apply', 'unlock']) assert.match(r.stdout, new RegExp(`\\n  ${v} `));
  const a = run(['apply', '--help']);
  for (const f of ['--auto-approve', '--max-failures', '--allow', '--state-dir', '--lock-timeout', '--parallelism']) assert.match(a.stdout, new RegExp(f));
});

t('an unreachable host blocks the plan: exit 4, nothing attempted; JSON says why', () => {
  const r = run(['apply', '-f', inv, '--auto-approve']);
  assert.is(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stderr, /GUARD_UNREACHABLE_HOST/);
  assert.not.match(r.stdout, /Apply complete/);
  const j = run(['apply', '-f', inv, '--auto-approve', '--format', 'json']);
  assert.is(j.code, 4);
  const out = JSON.parse(j.stdout) as { format_version: string; exit_code: number; refused: string };
  assert.equal([out.format_version, out.exit_code, out.refused], ['1.0', 4, 'guard']);
});

t('GitHub Actions: the guard becomes an annotation', () => {
  const r = run(['apply', '-f', inv, '--auto-approve'], { GITHUB_ACTIONS: 'true' });
  assert.is(r.code, 4);
  assert.match(r.stderr, /^::error.*GUARD_UNREACHABLE_HOST/m);
});

t('a broken plan file, a bad flag: exit 1 with a catalogued message', () => {
  const bad = join(dir, 'plan.json');
  writeFileSync(bad, '{"format_version": "1.0"}');
  const r = run(['apply', bad]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /error PLAN_FILE_INVALID .*plan\.json/);
  const missing = run(['apply', join(dir, 'nope.json')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /PLAN_FILE_INVALID .*ENOENT/);
  const flag = run(['apply', '-f', inv, '--lock-timeout', 'soon']);
  assert.is(flag.code, 1);
  assert.match(flag.stderr, /--lock-timeout soon/);
});

t('unlock: unknown host and unreachable host are errors', () => {
  const unknown = run(['unlock', 'mx9', '-f', inv]);
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /UNKNOWN_HOST/);
  const down = run(['unlock', 'mx', '-f', inv]);
  assert.is(down.code, 1);
  assert.match(down.stderr, /SSH_REFUSED/);
});

t.run();
