// File operations over SFTP against a real sshd (internal-sftp, umask 000): facts, exclusive
// create with the final mode from the first moment, fsync, atomic posix-rename under
// concurrent readers, errors by kind, and a burst of parallel requests.
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { connectHost, type SshSession } from '../../../src/transport/ssh/index.ts';
import { HostOpError } from '../../../src/transport/errors.ts';
import { hostFor, optionsFor, startSshd, type Sshd } from './sshd-fixture.ts';
import { watchContents, watchModes } from './watchers.ts';

interface Ctx {
  d: Sshd;
  s: SshSession;
  root: string;
}
const t = suite<Ctx>('transport: sftp operations', {} as Ctx);

t.before(async (ctx) => {
  ctx.d = await startSshd('127.0.99.1');
  ctx.root = join(ctx.d.dir, 'files');
  mkdirSync(ctx.root);
  const h = hostFor('mx-sftp', ctx.d);
  ctx.s = await connectHost(h, optionsFor([h]));
});
t.after(async (ctx) => {
  await ctx.s?.close();
  await ctx.d?.stop();
});

async function opError(p: Promise<unknown>): Promise<HostOpError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, HostOpError, String(err));
    return err as HostOpError;
  }
  throw new Error('expected the operation to fail');
}

t('stat, lstat, readlink, realpath, readdir, readFile report the real file system', async ({ s, root }) => {
  const f = join(root, 'cert.pem');
  writeFileSync(f, 'CERT', { mode: 0o640 });
  symlinkSync('cert.pem', join(root, 'link.pem'));
  const st = await s.stat(f);
  assert.ok(st);
  assert.equal({ mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, isFile: st.isFile, isSymlink: st.isSymlink }, {
    mode: 0o640, uid: 0, gid: 0, size: 4, isFile: true, isSymlink: false,
  });
  assert.is(Math.floor(st.mtimeMs / 1000), Math.floor(statSync(f).mtimeMs / 1000));
  assert.is((await s.lstat(join(root, 'link.pem')))?.isSymlink, true);
  assert.is((await s.stat(join(root, 'link.pem')))?.isFile, true);
  assert.is(await s.readlink(join(root, 'link.pem')), 'cert.pem');
  assert.is(await s.realpath(join(root, 'link.pem')), f);
  assert.equal((await s.readdir(root)).sort(), ['cert.pem', 'link.pem']);
  assert.equal(await s.readFile(join(root, 'link.pem')), Buffer.from('CERT'));
  assert.is((await s.stat(root))?.isDirectory, true);
});

t('a missing path is undefined for stat and a not-found error elsewhere', async ({ s, root }) => {
  assert.is(await s.stat(join(root, 'nope')), undefined);
  assert.is(await s.lstat(join(root, 'nope')), undefined);
  symlinkSync('gone', join(root, 'dangling'));
  assert.is(await s.stat(join(root, 'dangling')), undefined, 'stat follows a dangling link');
  assert.ok(await s.lstat(join(root, 'dangling')), 'lstat sees the link itself');
  const e = await opError(s.readFile(join(root, 'nope')));
  assert.is(e.kind, 'not-found');
  assert.is(e.host, 'mx-sftp');
  assert.match(e.message, /^mx-sftp: read .*nope/);
  assert.is((await opError(s.unlink(join(root, 'nope')))).kind, 'not-found');
});

t('writeNewFile: mode 0600 from the first moment, exact bytes, fsynced, closed', async ({ s, root }) => {
  // Why this proves "never more readable, not even for a moment": the fixture's SFTP server
  // runs with umask 000, so a file created without its mode in the OPEN request would be born
  // 0666 and only later chmod-ed. We send the mode in SSH_FXP_OPEN (O_CREAT|O_EXCL), so
  // open(2) gives the inode 0600 when it is created; the watcher samples the inode's mode
  // continuously while a 4 MiB write runs and must only ever see 0600.
  const p = join(root, 'key.pem.tmp');
  const data = randomBytes(4 * 1024 * 1024);
  const watch = watchModes(p);
  await s.writeNewFile(p, data, 0o600);
  const seen = await watch.stop();
  assert.ok(seen.samples > 0, 'the watcher saw the file');
  assert.equal(seen.modes, [0o600]);
  assert.equal(readFileSync(p), data);
  assert.is(statSync(p).mode & 0o7777, 0o600);
});

t('writeNewFile sets exactly the mode asked for (0644, 0640)', async ({ s, root }) => {
  await s.writeNewFile(join(root, 'a.pem'), Buffer.from('a'), 0o644);
  await s.writeNewFile(join(root, 'b.pem'), Buffer.from('b'), 0o640);
  assert.is(statSync(join(root, 'a.pem')).mode & 0o7777, 0o644);
  assert.is(statSync(join(root, 'b.pem')).mode & 0o7777, 0o640);
  await s.writeNewFile(join(root, 'empty'), Buffer.alloc(0), 0o600);
  assert.is(statSync(join(root, 'empty')).size, 0);
});

t('writeNewFile never touches an existing path', async ({ s, root }) => {
  const p = join(root, 'existing.pem');
  writeFileSync(p, 'OLD', { mode: 0o644 });
  const e = await opError(s.writeNewFile(p, Buffer.from('NEW'), 0o600));
  assert.is(e.kind, 'exists');
  assert.is(readFileSync(p, 'utf8'), 'OLD');
  assert.is(statSync(p).mode & 0o7777, 0o644);
});

t('writeNewFile into a missing directory fails as not-found and leaves nothing', async ({ s, root }) => {
  const e = await opError(s.writeNewFile(join(root, 'no-dir', 'x.tmp'), Buffer.from('x'), 0o600));
  assert.is(e.kind, 'not-found');
  assert.not.ok(existsSync(join(root, 'no-dir')));
});

t('rename replaces an existing target atomically: concurrent readers only ever see a whole version', async ({ s, root }) => {
  const target = join(root, 'fullchain.pem');
  const versions = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
  writeFileSync(target, versions[0]!);
  const local = watchContents(target, versions);
  let sftpReads = 0;
  let sftpBad = 0;
  let swapping = true;
  const remoteReader = (async () => {
    while (swapping) {
      const b = await s.readFile(target).catch(() => undefined);
      sftpReads++;
      if (!b || !versions.some((v) => v.equals(b))) sftpBad++;
    }
  })();
  for (let i = 1; i <= 40; i++) {
    const tmp = join(root, `.fullchain.pem.${i}.tmp`);
    await s.writeNewFile(tmp, versions[i % 2]!, 0o644);
    await s.rename(tmp, target);
  }
  swapping = false;
  await remoteReader;
  const r = await local.stop();
  assert.ok(r.reads > 0 && sftpReads > 0);
  assert.is(r.bad, 0, `local reader saw ${r.examples.join(', ')}`);
  assert.is(sftpBad, 0, 'SFTP reader saw a missing or torn file');
  assert.equal(readFileSync(target), versions[0]);
  assert.equal(readdirSync(root).filter((n) => n.includes('fullchain.pem.')), [], 'no temp left behind');
});

t('mkdir with an exact mode, chmod, chown, unlink', async ({ s, root }) => {
  const dir = join(root, 'sub');
  await s.mkdir(dir, 0o750);
  assert.is(statSync(dir).mode & 0o7777, 0o750);
  assert.is((await opError(s.mkdir(dir, 0o750))).kind, 'failure');
  const f = join(dir, 'f');
  writeFileSync(f, 'x', { mode: 0o600 });
  await s.chmod(f, 0o644);
  assert.is(statSync(f).mode & 0o7777, 0o644);
  const { uid, gid } = await s.resolveIds('nobody', 'nogroup');
  await s.chown(f, uid, gid);
  assert.equal([statSync(f).uid, statSync(f).gid], [uid, gid]);
  await s.unlink(f);
  assert.not.ok(existsSync(f));
});

t('a burst of 60 parallel requests is queued: all answered, no MaxListeners warning', async ({ s, root }) => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    writeFileSync(join(root, 'burst'), 'b');
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? s.stat(join(root, 'burst')) : s.readFile(join(root, 'burst')))),
    );
    assert.is(all.length, 60);
    await new Promise((r) => setImmediate(r));
    assert.equal(warnings.filter((w) => w === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
  }
});

t('user and group names resolve both ways through getent', async ({ s }) => {
  assert.equal(await s.resolveIds('root', 'root'), { uid: 0, gid: 0 });
  assert.equal(await s.resolveIds('0', '0'), { uid: 0, gid: 0 });
  assert.equal(await s.resolveNames(0, 0), { owner: 'root', group: 'root' });
  assert.equal(await s.resolveNames(64999, 64999), {});
  let threw = false;
  await s.resolveIds('no-such-user-xyz', 'root').catch(() => (threw = true));
  assert.ok(threw, 'an unknown user is an error');
});

t.run();
