// The real CLI on the examples and on corpus files: exit codes, located messages, GitHub
// annotations, and never a stack trace.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../../..');
const t = suite('mailtls validate (CLI)');

function run(args: string[], env: Record<string, string> = {}) {
  const { GITHUB_ACTIONS: _drop, GITHUB_STEP_SUMMARY: _drop2, ...base } = process.env;
  const r = spawnSync(process.execPath, ['bin/mailtls.js', ...args], { cwd: repo, encoding: 'utf8', env: { ...base, NO_COLOR: '1', ...env } });
  const all = r.stdout + r.stderr;
  assert.not.match(all, /\n {4}at /, `stack trace in output of ${args.join(' ')}:\n${all}`);
  assert.not.match(all, 'internal error');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const examples = readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.yaml'));

t('every example validates with exit 0 and a summary line', () => {
  assert.ok(examples.length >= 3);
  for (const f of examples) {
    const r = run(['validate', '-f', `examples/${f}`]);
    assert.is(r.code, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^examples/${f.replace('.', '\\.')}: \\d+ hosts?, \\d+ services?, \\d+ certificates?, \\d+ zones? — valid\\n$`));
  }
});

t('every example has the schema modeline on its first line', () => {
  for (const f of examples) {
    assert.is(readFileSync(join(repo, 'examples', f), 'utf8').split('\n')[0], '# yaml-language-server: $schema=../schemas/hosts.schema.json');
  }
});

const corpus = ['01-unclosed-flow-sequence', '25-literal-ssh-identity', '49-several-schema-problems', '53-several-reference-problems'];

t('corpus files exit 1 with their located messages (file as given)', () => {
  for (const name of corpus) {
    const r = run(['validate', '-f', `test/corpus/${name}.yaml`]);
    assert.is(r.code, 1, name);
    const expected = readFileSync(join(repo, 'test/corpus', `${name}.expected`), 'utf8').trimEnd().split('\n').map((l) => `test/corpus/${l}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.slice(0, -1), expected);
    assert.match(lines.at(-1)!, /^test\/corpus\/.*: \d+ errors? — not valid$/);
  }
});

t('no corpus file produces a stack trace or a crash (every file, in-process through main)', async () => {
  const { main } = await import('../../../src/cli/main.ts');
  const captured: string[] = [];
  const orig = { log: console.log, error: console.error };
  console.log = (...a: unknown[]) => void captured.push(a.join(' '));
  console.error = console.log;
  try {
    for (const f of readdirSync(join(repo, 'test/corpus')).filter((n) => n.endsWith('.yaml'))) {
      captured.length = 0;
      process.exitCode = undefined;
      const code = await main(['node', 'mailtls', 'validate', '-f', join(repo, 'test/corpus', f), '--format', 'json']);
      assert.is(code, 1, f);
      const out = JSON.parse(captured.join('\n')) as { valid: boolean; problems: { code: string }[] };
      assert.is(out.valid, false, f);
      assert.ok(out.problems.length > 0, f);
      assert.not.match(captured.join('\n'), /\n {4}at /, f);
    }
  } finally {
    Object.assign(console, orig);
    process.exitCode = undefined;
  }
});

t('GITHUB_ACTIONS=true adds ::error annotations pointing at the line', () => {
  const r = run(['validate', '-f', 'test/corpus/12-key-mode-unquoted.yaml'], { GITHUB_ACTIONS: 'true' });
  assert.is(r.code, 1);
  assert.match(r.stdout, '::error file=test/corpus/12-key-mode-unquoted.yaml,line=13,col=19::MODE_NOT_QUOTED key_mode: 0600 is read as the number 600; quote it: key_mode: "0600"\n');
});

t('GitHub Actions: the job summary gets a table of the problems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-summary-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const r = run(['validate', '-f', 'test/corpus/12-key-mode-unquoted.yaml'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
  assert.is(r.code, 1);
  const md = readFileSync(summary, 'utf8');
  assert.match(md, '### mailtls validate: test/corpus/12-key-mode-unquoted.yaml: 1 error — not valid');
  assert.match(md, '| `test/corpus/12-key-mode-unquoted.yaml:13:19` | error | `MODE_NOT_QUOTED` |');
});

t('a missing file is a clean error', () => {
  const r = run(['validate', '-f', 'does-not-exist.yaml']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error INVENTORY_UNREADABLE inventory does-not-exist.yaml does not exist');
});

t('--resolved prints every default, marked, and no secret values', () => {
  const r = run(['validate', '--resolved', '-f', 'examples/mailcow-from-npm.yaml']);
  assert.is(r.code, 0);
  assert.match(r.stdout, 'replace_symlinks: true # default (mailcow)');
  assert.match(r.stdout, 'identity: file:secrets/mailcow_certsync # from defaults.ssh');
  assert.match(r.stdout, 'secret: env:TSIG_SECRET');
  assert.match(r.stdout, /- \[ docker, compose, --project-directory, \/opt\/mailcow-dockerized/);
});

t('--help reads like a well-kept CLI', () => {
  const top = run(['--help']);
  assert.is(top.code, 0);
  assert.match(top.stdout, /validate \[options\]\s+check hosts\.yaml and show every problem at once/);
  const v = run(['validate', '--help']);
  assert.is(v.code, 0);
  assert.match(v.stdout, 'Examples:');
  assert.match(v.stdout, '-f, --file <FILE>');
  assert.match(v.stdout, '--resolved');
});

t.run();
