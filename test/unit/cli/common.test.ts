// The shared CLI plumbing: MAILTLS_* variables (the command line wins, bad values fail like bad
// flags), the colour decision, exit-code mapping, GitHub annotations (with the per-step limit)
// and the job summary (appended, capped at 1 MiB).
import * as assert from 'uvu/assert';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import {
  addCommonOptions, annotations, appendStepSummary, applyEnv, planExitCode, splitList, statusExitCode, useColor,
  ANNOTATION_LIMIT, STEP_SUMMARY_LIMIT, type CommonOptions,
} from '../../../src/cli/common.ts';
import type { Problem } from '../../../src/errors/problem.ts';

const t = suite('cli: common plumbing');

function parse(argv: string[], env: Record<string, string> = {}): CommonOptions & { out?: string; allow?: string[] } {
  const cmd = addCommonOptions(new Command('x').exitOverride(), ['text', 'json']);
  cmd.option('--out <FILE>').option('--allow <G>', '', (v: string, p: string[] = []) => [...p, v], []);
  cmd.parse(argv, { from: 'user' });
  return applyEnv(cmd, cmd.opts<CommonOptions>(), env);
}

t('defaults, flags, repeatable --host/--exclude', () => {
  const d = parse([]);
  assert.equal([d.file, d.host, d.exclude, d.parallelism, d.format, d.detailedExitcode, d.color], ['hosts.yaml', [], [], 16, 'text', false, true]);
  const f = parse(['-f', 'x.yaml', '--host', 'a', '--host', 'b,c', '--exclude', 'd', '--parallelism', '3', '--format', 'json', '--detailed-exitcode', '--no-color']);
  assert.equal([f.file, f.host, f.exclude, f.parallelism, f.format, f.detailedExitcode, f.color], ['x.yaml', ['a', 'b', 'c'], ['d'], 3, 'json', true, false]);
  assert.equal(splitList(' a, b  c,,'), ['a', 'b', 'c']);
});

t('every flag also as MAILTLS_*; the command line wins', () => {
  const env = { MAILTLS_FILE: 'e.yaml', MAILTLS_HOST: 'mx1,mx2', MAILTLS_EXCLUDE: 'npm', MAILTLS_PARALLELISM: '4', MAILTLS_FORMAT: 'json', MAILTLS_DETAILED_EXITCODE: 'true', MAILTLS_OUT: 'p.json', MAILTLS_ALLOW: 'dane-unvalidated downgrade' };
  const e = parse([], env);
  assert.equal([e.file, e.host, e.exclude, e.parallelism, e.format, e.detailedExitcode, e.out, e.allow], ['e.yaml', ['mx1', 'mx2'], ['npm'], 4, 'json', true, 'p.json', ['dane-unvalidated', 'downgrade']]);
  const c = parse(['-f', 'cli.yaml', '--host', 'mx9', '--parallelism', '2'], env);
  assert.equal([c.file, c.host, c.parallelism, c.exclude], ['cli.yaml', ['mx9'], 2, ['npm']]);
  assert.is(parse([], { MAILTLS_DETAILED_EXITCODE: '0' }).detailedExitcode, false);
});

t('bad variable values fail with the variable named', () => {
  assert.throws(() => parse([], { MAILTLS_PARALLELISM: '0' }), /MAILTLS_PARALLELISM: must be a positive integer/);
  assert.throws(() => parse([], { MAILTLS_FORMAT: 'yaml' }), /MAILTLS_FORMAT=yaml: format must be one of text, json/);
  assert.throws(() => parse([], { MAILTLS_DETAILED_EXITCODE: 'maybe' }), /MAILTLS_DETAILED_EXITCODE must be true or false/);
});

t('colour only on a TTY, never with NO_COLOR or --no-color', () => {
  assert.is(useColor({ color: true }, { isTTY: true }, {}), true);
  assert.is(useColor({ color: true }, { isTTY: false }, {}), false);
  assert.is(useColor({ color: true }, {}, {}), false);
  assert.is(useColor({ color: true }, { isTTY: true }, { NO_COLOR: '1' }), false);
  assert.is(useColor({ color: true }, { isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
  assert.is(useColor({ color: false }, { isTTY: true }, {}), false);
});

const p = (severity: Problem['severity'], n = 0, located = true): Problem => ({
  code: 'X_CODE', severity, message: `m${n}`, ...(located ? { where: { file: 'hosts.yaml', line: 10 + n, column: 3 } } : {}),
});
const summary = (changes: number, guards_blocking = 0) => ({ changes, guards_blocking, deploys: 0, fix_perms: 0, reloads: 0, tlsa_publish: 0, tlsa_retire: 0, guards_allowed: 0, warnings: 0, hosts_changed: 0 });

t('exit codes: guard 4 before error 1 before changes 2 (only with --detailed-exitcode)', () => {
  assert.is(planExitCode({ summary: summary(0), problems: [] }, true), 0);
  assert.is(planExitCode({ summary: summary(3), problems: [] }, false), 0);
  assert.is(planExitCode({ summary: summary(3), problems: [] }, true), 2);
  assert.is(planExitCode({ summary: summary(3), problems: [p('warning')] }, true), 2);
  assert.is(planExitCode({ summary: summary(3), problems: [p('error')] }, true), 1);
  assert.is(planExitCode({ summary: summary(3, 1), problems: [p('error')] }, false), 4);
  assert.equal([statusExitCode(true, true), statusExitCode(false, false), statusExitCode(false, true)], [0, 0, 2]);
});

t('GitHub annotations: located at the inventory line, 10 per severity, the rest counted', () => {
  const ps = [...Array.from({ length: 12 }, (_, i) => p('error', i)), p('warning', 1, false), p('info')];
  const lines = annotations(ps);
  assert.is(lines.filter((l) => l.startsWith('::error ')).length, ANNOTATION_LIMIT);
  assert.is(lines[0], '::error file=hosts.yaml,line=10,col=3::X_CODE m0');
  assert.ok(lines.includes('::notice::mailtls: 2 more errors not annotated (see the job log or summary)'));
  assert.ok(lines.includes('::warning::X_CODE m1'));
  assert.not.ok(lines.some((l) => l.includes('info')));
});

t('job summary: only in GitHub Actions, appended, cut under 1 MiB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-summary-'));
  const file = join(dir, 'summary.md');
  writeFileSync(file, 'before\n');
  assert.is(appendStepSummary('# x', { GITHUB_STEP_SUMMARY: file }), false, 'not in GitHub Actions');
  assert.is(appendStepSummary('# plan', { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file }), true);
  assert.is(readFileSync(file, 'utf8'), 'before\n# plan\n');
  const big = join(dir, 'big.md');
  assert.ok(appendStepSummary('é'.repeat(STEP_SUMMARY_LIMIT), { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: big }));
  assert.ok(statSync(big).size <= STEP_SUMMARY_LIMIT);
  assert.match(readFileSync(big, 'utf8'), /_\(cut: the job summary holds 1 MiB/);
});

t.run();
