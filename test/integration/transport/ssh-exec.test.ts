// Commands over the SSH exec channel: exit codes, stdout/stderr, stdin, exact argv through the
// remote login shell, time-outs, output caps, sudo, and exec beside SFTP on one connection.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { connectHost, type SshSession } from '../../../src/transport/ssh/index.ts';
import { MAX_OUTPUT_BYTES } from '../../../src/transport/ssh/exec.ts';
import { hostFor, optionsFor, startSshd, type Sshd } from './sshd-fixture.ts';

interface Ctx {
  d: Sshd;
  s: SshSession;
}
const t = suite<Ctx>('transport: ssh exec', {} as Ctx);

t.before(async (ctx) => {
  ctx.d = await startSshd('127.0.99.1');
  const h = hostFor('mx-exec', ctx.d);
  ctx.s = await connectHost(h, optionsFor([h]));
});
t.after(async (ctx) => {
  await ctx.s?.close();
  await ctx.d?.stop();
});

const NASTY = [
  '',
  ' lead and trail ',
  "it's",
  '"dq" \\bs\\',
  '$HOME ${PATH} $(touch /tmp/mailtls-pwned) `id`',
  '; exit 7 # not a comment',
  'a && b || c | d & e > f < g',
  '*.pem ?x [ab] ~root',
  'line1\nline2\ttab\r',
  'if',
  'A=b',
  '-n',
  '--',
  'é 日本 🔑',
  "x'$(id)'y",
];

t('exit codes, stdout and stderr come back separately', async ({ s }) => {
  assert.equal(await s.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']), {
    code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false,
  });
  assert.is((await s.exec(['true'])).code, 0);
  assert.is((await s.exec(['false'])).code, 1);
  const missing = await s.exec(['no-such-command-mailtls']);
  assert.is(missing.code, 127);
  assert.match(missing.stderr, /not found/);
});

t('argv arrives byte for byte through the remote login shell', async ({ s }) => {
  const r = await s.exec(['printf', '%s\\0', ...NASTY]);
  assert.is(r.code, 0, r.stderr);
  const got = r.stdout.split('\0');
  got.pop();
  assert.equal(got, NASTY);
  const check = await s.exec(['test', '-e', '/tmp/mailtls-pwned']);
  assert.is(check.code, 1, 'no command substitution ran');
});

t('stdin is passed and closed (a reader sees EOF)', async ({ s }) => {
  const r = await s.exec(['sha256sum'], { stdin: Buffer.from('secret bytes') });
  assert.match(r.stdout, /^[0-9a-f]{64} {2}-\n$/);
  assert.is((await s.exec(['cat'])).stdout, '', 'no stdin: EOF at once, no hang');
});

t('a command past its time-out is killed and reported as timed out', async ({ s }) => {
  const r = await s.exec(['sleep', '5'], { timeoutMs: 300 });
  assert.is(r.timedOut, true);
  assert.is(r.code, null);
  // The session is still usable afterwards.
  assert.is((await s.exec(['echo', 'still here'])).stdout, 'still here\n');
});

t('output beyond the cap is dropped, with a marker', async ({ s }) => {
  const r = await s.exec(['head', '-c', String(MAX_OUTPUT_BYTES + 5000), '/dev/zero']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /\[… 5000 more bytes not kept\]$/);
});

t('with ssh.sudo every command runs as `sudo -n -- argv`', async ({ d }) => {
  const h = hostFor('mx-sudo', d, { sudo: true });
  const s = await connectHost(h, optionsFor([h]));
  try {
    const r = await s.exec(['id', '-u']);
    assert.equal([r.code, r.stdout], [0, '0\n']);
    await s.exec(['printf', '%s', 'two words']);
    assert.equal(readFileSync(d.sudoLog, 'utf8').split('\n').filter(Boolean), ['-n -- id -u', '-n -- printf %s two words']);
  } finally {
    await s.close();
  }
});

t('exec and SFTP share the connection, many at once', async ({ s, d }) => {
  const work = Array.from({ length: 24 }, (_, i) =>
    i % 2 ? s.exec(['echo', String(i)]).then((r) => r.stdout) : s.stat(d.dir).then((st) => (st?.isDirectory ? 'dir' : '?')),
  );
  const out = await Promise.all(work);
  out.forEach((v, i) => assert.is(v, i % 2 ? `${i}\n` : 'dir'));
});

t.run();
