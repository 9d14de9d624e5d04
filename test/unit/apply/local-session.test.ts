// The local HostSession: exclusive creates with the exact mode whatever the umask, symlink-aware
// stats, atomic rename, argv exec without a shell, typed errors, id lookups.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSession } from '../../../src/transport/local.ts';
import { HostOpError } from '../../../src/transport/errors.ts';

const t = suite('apply/local-session');
const s = new LocalSession({ host: 'here' });

t('writeNewFile: exact mode under any umask, refuses an existing path with kind "exists"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-local-'));
  const old = process.umask(0o000);
  try {
    await s.writeNewFile(join(dir, 'k'), Buffer.from('x'), 0o600);
    assert.is(statSync(join(dir, 'k')).mode & 0o7777, 0o600);
    process.umask(0o077);
    await s.writeNewFile(join(dir, 'c'), Buffer.from('y'), 0o644);
    assert.is(statSync(join(dir, 'c')).mode & 0o7777, 0o644, 'fchmod widens past the umask');
    const err = await s.writeNewFile(join(dir, 'k'), Buffer.from('z'), 0o600).catch((e: unknown) => e);
    assert.instance(err, HostOpError);
    assert.is((err as HostOpError).kind, 'exists');
    assert.is(readFileSync(join(dir, 'k'), 'utf8'), 'x');
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});

t('lstat/stat/readlink/realpath on links; rename replaces atomically; missing paths are undefined or not-found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-local-'));
  try {
    writeFileSync(join(dir, 'target'), 'a');
    symlinkSync('target', join(dir, 'link'));
    assert.is((await s.lstat(join(dir, 'link')))?.isSymlink, true);
    assert.is((await s.stat(join(dir, 'link')))?.isFile, true);
    assert.is(await s.readlink(join(dir, 'link')), 'target');
    assert.is(await s.realpath(join(dir, 'link')), join(dir, 'target'));
    assert.is(await s.lstat(join(dir, 'nope')), undefined);
    const err = await s.readFile(join(dir, 'nope')).catch((e: unknown) => e);
    assert.is((err as HostOpError).kind, 'not-found');
    writeFileSync(join(dir, 'new'), 'b');
    await s.rename(join(dir, 'new'), join(dir, 'target'));
    assert.is(readFileSync(join(dir, 'link'), 'utf8'), 'b');
    assert.equal((await s.readdir(dir)).sort(), ['link', 'target']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('exec runs argv without a shell, passes stdin, reports exit codes and time-outs', async () => {
  const r = await s.exec(['echo', 'a; rm -rf /nonexistent', '$HOME']);
  assert.is(r.code, 0);
  assert.is(r.stdout, 'a; rm -rf /nonexistent $HOME\n');
  assert.is((await s.exec(['cat'], { stdin: 'piped' })).stdout, 'piped');
  assert.is((await s.exec(['false'])).code, 1);
  const slow = await s.exec(['sleep', '5'], { timeoutMs: 100 });
  assert.is(slow.timedOut, true);
  assert.is(slow.code, null);
  const missing = await s.exec(['/nonexistent/binary']);
  assert.is(missing.code, null);
});

t('resolveIds / resolveNames through /etc/passwd and /etc/group', async () => {
  assert.equal(await s.resolveIds('root', 'root'), { uid: 0, gid: 0 });
  assert.equal(await s.resolveIds('0', '0'), { uid: 0, gid: 0 });
  assert.equal(await s.resolveNames(0, 0), { owner: 'root', group: 'root' });
  const err = await s.resolveIds('no-such-user-mailtls', 'root').catch((e: unknown) => e);
  assert.is((err as HostOpError).kind, 'not-found');
});

t.run();
