// Quoting argv for the remote shell: every byte must come back exactly, through a real `sh -c`
// (what sshd does with the command line: `$SHELL -c "<line>"`).
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { suite } from '../../helpers/suite.ts';
import { quoteArg, quoteArgv, remoteCommand } from '../../../src/transport/ssh/quote.ts';

const t = suite('transport: shell quoting');

const NASTY = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  "'\\''",
  '"double" and \\backslash\\',
  '$HOME ${PATH} $(id) `id`',
  '; rm -rf / # comment',
  'a && b || c | d & e',
  '*.pem ?x [ab]',
  '~ ~root',
  'line1\nline2\r\n\ttab',
  'if',
  'A=b',
  '-n',
  '--',
  '!',
  '{ }',
  'é ü 日本 🔑',
  '\x01\x7f',
  'trailing\\',
  '$',
  "x'$(touch /tmp/pwned)'y",
];

/** Runs `printf '%s\0' <quoted args>` through sh -c and splits what comes back. */
function roundTrip(shell: string, args: string[]): string[] {
  const line = quoteArgv(['printf', '%s\\0', ...args]);
  const r = spawnSync(shell, ['-c', line], { encoding: 'utf8' });
  assert.is(r.status, 0, `${shell} failed: ${r.stderr}`);
  const parts = r.stdout.split('\0');
  parts.pop();
  return parts;
}

t('every nasty argument survives sh -c byte for byte', () => {
  assert.equal(roundTrip('/bin/sh', NASTY), NASTY);
});

t('and through bash, the other common login shell', () => {
  assert.equal(roundTrip('/bin/bash', NASTY), NASTY);
});

t('each argument alone, too (no accidental joining)', () => {
  for (const a of NASTY) assert.equal(roundTrip('/bin/sh', [a]), [a], JSON.stringify(a));
});

t('the command word is always quoted, so keywords and assignments stay plain words', () => {
  assert.is(quoteArgv(['if', 'x']), "'if' x");
  assert.is(quoteArgv(['A=b']), "'A=b'");
  const r = spawnSync('/bin/sh', ['-c', quoteArgv(['A=b'])], { encoding: 'utf8' });
  assert.is(r.status, 127, 'A=b must be looked up as a command, not run as an assignment');
});

t('safe words stay readable; everything else is single-quoted', () => {
  assert.is(quoteArg('/etc/postfix/main.cf'), '/etc/postfix/main.cf');
  assert.is(quoteArg('--cert=/x.pem'), '--cert=/x.pem');
  assert.is(quoteArg('a b'), "'a b'");
  assert.is(quoteArg("it's"), "'it'\\''s'");
  assert.is(quoteArg(''), "''");
});

t('NUL bytes and empty argv are refused', () => {
  assert.throws(() => quoteArg('a\0b'), /NUL/);
  assert.throws(() => quoteArgv([]), /empty/);
});

t('sudo prefix is -n -- so sudo never prompts and never parses our argv as options', () => {
  assert.is(remoteCommand(['postfix', 'check'], true), "'sudo' -n -- postfix check");
  assert.is(remoteCommand(['-weird', 'x'], true), "'sudo' -n -- -weird x");
  assert.is(remoteCommand(['postfix', 'check'], false), "'postfix' check");
});

t.run();
