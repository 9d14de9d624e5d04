// The small pieces under the sessions: the FIFO limiter and the passwd/group line lookup (on
// this machine's real /etc/passwd and /etc/group, and through the real getent).
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { suite } from '../../helpers/suite.ts';
import { Limiter } from '../../../src/transport/limiter.ts';
import { IdResolver, findEntry } from '../../../src/transport/ids.ts';
import type { ExecResult } from '../../../src/transport/types.ts';

const t = suite('transport: limiter and id lookup');

t('the limiter never runs more than its limit and keeps FIFO order', async () => {
  const lim = new Limiter(3);
  let active = 0;
  let peak = 0;
  const started: number[] = [];
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      lim.run(async () => {
        started.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
      }),
    ),
  );
  assert.is(peak, 3);
  assert.equal(started, Array.from({ length: 20 }, (_, i) => i));
});

t('a failing task frees its slot', async () => {
  const lim = new Limiter(1);
  await lim.run(() => Promise.reject(new Error('x'))).catch(() => undefined);
  assert.is(await lim.run(async () => 42), 42);
  assert.throws(() => new Limiter(0), /positive/);
});

t('findEntry reads passwd and group lines by name or by id', () => {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  assert.equal(findEntry(passwd, 'root'), { name: 'root', id: 0 });
  assert.equal(findEntry(passwd, '0'), { name: 'root', id: 0 });
  assert.is(findEntry(passwd, 'no-such-user-xyz'), undefined);
  assert.equal(findEntry(readFileSync('/etc/group', 'utf8'), 'root'), { name: 'root', id: 0 });
  assert.is(findEntry('# comment\n\nbroken line\nx:y:notanumber:1\n', 'x'), undefined);
});

/** Runs argv on this machine, as a session's exec would on a host. */
function localExec(argv: string[]): Promise<ExecResult> {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return Promise.resolve({ code: r.error ? 127 : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: false });
}

t('IdResolver: files first (no remote process), getent only for what they lack, cached, unknown names refused', async () => {
  let calls = 0;
  let reads = 0;
  const r = new IdResolver({
    host: 'local',
    exec: (argv) => {
      calls++;
      return localExec(argv);
    },
    readFile: async (p) => {
      reads++;
      return readFileSync(p);
    },
  });
  assert.equal(await r.ids('root', 'root'), { uid: 0, gid: 0 });
  assert.equal(await r.ids('root', 'root'), { uid: 0, gid: 0 });
  assert.is(calls, 0, 'root is in /etc/passwd and /etc/group: no getent');
  assert.is(reads, 2, 'each file read once');
  assert.equal(await r.ids('1234', '5678'), { uid: 1234, gid: 5678 });
  assert.equal(await r.names(0, 0), { owner: 'root', group: 'root' });
  assert.equal(await r.names(64999, 64999), {});
  let err: unknown;
  await r.ids('no-such-user-xyz', 'root').catch((e: unknown) => (err = e));
  assert.match(String(err), /no user named no-such-user-xyz/);
  assert.ok(calls > 0, 'a name missing from the files is asked of getent');
});

t('IdResolver asks getent for names the files do not list (LDAP, sssd)', async () => {
  const r = new IdResolver({
    host: 'ldap',
    exec: async (argv) => ({ code: 0, stdout: `${argv[2]}:x:5001:5001::/home/x:/bin/sh\n`, timedOut: false, stderr: '' }),
    readFile: async () => Buffer.from('root:x:0:0:root:/root:/bin/sh\n'),
  });
  assert.equal(await r.ids('alice', 'root'), { uid: 5001, gid: 0 });
});

t('IdResolver falls back to /etc/passwd and /etc/group when getent is missing', async () => {
  const r = new IdResolver({
    host: 'busybox',
    exec: async () => ({ code: 127, stdout: '', stderr: 'getent: not found', timedOut: false }),
    readFile: async (p) => readFileSync(p),
  });
  assert.equal(await r.ids('root', 'root'), { uid: 0, gid: 0 });
});

t.run();
