// Jump hosts (each hop verified with its own pins), connections that die or go silent in the
// middle of an operation (they must reject, never hang), and the per-host session pool.
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { connectHost } from '../../../src/transport/ssh/index.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import { withHostSessions } from '../../../src/transport/pool.ts';
import { JumpPool } from '../../../src/transport/ssh/jump-pool.ts';
import { execFileSync } from 'node:child_process';
import type { HostSession } from '../../../src/transport/types.ts';
import { freePort, hostFor, makeIdentity, optionsFor, startSshd, type Sshd } from './sshd-fixture.ts';
import { startProxy } from './tcp-proxy.ts';

interface Ctx {
  jump: Sshd;
  target: Sshd;
}
const t = suite<Ctx>('transport: jump hosts, dropped connections, pool', {} as Ctx);

t.before(async (ctx) => {
  ctx.jump = await startSshd('127.0.99.1');
  ctx.target = await startSshd('127.0.99.2');
});
t.after(async (ctx) => {
  await ctx.jump?.stop();
  await ctx.target?.stop();
});

async function transportFailure(p: Promise<unknown>, hangAfterMs = 15_000): Promise<TransportError> {
  // A liveness guard, not a timing assertion: without it a regression would hang the suite.
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${hangAfterMs} ms: it hangs`)), hangAfterMs);
  });
  try {
    await Promise.race([p, hang]);
  } catch (err) {
    if (err instanceof TransportError) return err;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected a transport failure');
}

const jumpHosts = (c: Ctx, targetSsh: Parameters<typeof hostFor>[2] = {}, jumpSsh: Parameters<typeof hostFor>[2] = {}) => [
  hostFor('bastion', c.jump, jumpSsh),
  hostFor('inner', c.target, { jump: 'bastion', ...targetSsh }),
];

t('a jump host carries the connection; the bastion forwarded it', async (c) => {
  const hosts = jumpHosts(c);
  const from = c.jump.log().length;
  const s = await connectHost(hosts[1]!, optionsFor(hosts));
  try {
    assert.is((await s.exec(['echo', 'inside'])).stdout, 'inside\n');
    assert.ok(await s.stat(c.target.dir));
  } finally {
    await s.close();
  }
  await new Promise((r) => setTimeout(r, 300)); // sshd's session process logs through its monitor, a moment later
  assert.ok(c.jump.log().slice(from).includes(`target 127.0.99.2 port ${c.target.port}`), 'the bastion opened the forward');
});

t('each hop is checked with its own pins: a changed key behind the bastion stops the target', async (c) => {
  const wrong = `ssh-ed25519 ${c.jump.hostKeys.ed25519.split(' ')[1]}`; // the bastion's key, pinned for the target
  const hosts = jumpHosts(c, { hostKeys: [wrong] });
  const from = c.target.log().length;
  const e = await transportFailure(connectHost(hosts[1]!, optionsFor(hosts)));
  assert.is(e.code, 'SSH_HOST_KEY_MISMATCH');
  assert.is(e.host, 'inner');
  assert.match(e.message, /via bastion/);
  await new Promise((r) => setTimeout(r, 200));
  assert.not.match(c.target.log().slice(from), /Accepted publickey/);
});

t('a changed bastion key stops the target before anything is forwarded', async (c) => {
  const hosts = jumpHosts(c, {}, { hostKeys: [c.target.hostKeys.ed25519] });
  const from = c.jump.log().length;
  const e = await transportFailure(connectHost(hosts[1]!, optionsFor(hosts)));
  assert.is(e.code, 'SSH_HOST_KEY_MISMATCH');
  assert.is(e.host, 'inner');
  assert.ok(e.message.startsWith(`inner: via jump host bastion: bastion (127.0.99.1:${c.jump.port}): host key changed`), e.message);
  await new Promise((r) => setTimeout(r, 200));
  assert.not.match(c.jump.log().slice(from), /direct-tcpip|Accepted publickey/);
});

t('an unknown or looping jump host is a config problem', async (c) => {
  const lone = hostFor('inner', c.target, { jump: 'nowhere' });
  assert.is((await transportFailure(connectHost(lone, optionsFor([lone])))).code, 'SSH_CONFIG');
  const a = hostFor('a', c.target, { jump: 'b' });
  const b = hostFor('b', c.jump, { jump: 'a' });
  const e = await transportFailure(connectHost(a, optionsFor([a, b])));
  assert.is(e.code, 'SSH_CONFIG');
  assert.match(e.message, /loop/);
});

t('a connection dropped in the middle of a read rejects at once, and the session stays dead', async (c) => {
  const big = join(c.jump.dir, 'big.bin');
  writeFileSync(big, randomBytes(64 * 1024 * 1024));
  const proxy = await startProxy('127.0.99.1', c.jump);
  try {
    const h = { ...hostFor('flaky', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    // Generous op timeout: if the drop were not noticed, this would take a minute, not fail fast.
    const s = await connectHost(h, optionsFor([h], { opMs: 60_000 }));
    const read = s.readFile(big);
    const start = proxy.bytesDown();
    while (proxy.bytesDown() - start < 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
    proxy.drop();
    const e = await transportFailure(read);
    assert.is(e.code, 'SSH_CONNECTION_LOST');
    assert.is(e.host, 'flaky');
    assert.is((await transportFailure(s.stat('/'))).code, 'SSH_CONNECTION_LOST', 'later calls fail fast too');
    assert.is((await transportFailure(s.exec(['true']))).code, 'SSH_CONNECTION_LOST');
    await s.close();
  } finally {
    await proxy.close();
  }
});

t('a connection dropped while a command runs rejects the command', async (c) => {
  const proxy = await startProxy('127.0.99.1', c.jump);
  try {
    const h = { ...hostFor('flaky', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    const s = await connectHost(h, optionsFor([h]));
    const run = s.exec(['sleep', '3'], { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 200));
    proxy.drop();
    assert.is((await transportFailure(run)).code, 'SSH_CONNECTION_LOST');
    await s.close();
  } finally {
    await proxy.close();
  }
});

t('a connection that goes silent is caught by the operation time-out and closed', async (c) => {
  const proxy = await startProxy('127.0.99.1', c.jump);
  try {
    const h = { ...hostFor('silent', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    const s = await connectHost(h, optionsFor([h], { opMs: 500, closeMs: 300 }));
    assert.ok(await s.stat('/'));
    proxy.freeze();
    const e = await transportFailure(s.stat('/'));
    assert.is(e.code, 'SSH_TIMEOUT');
    assert.match(e.message, /^silent: stat \/ timed out/);
    assert.is((await transportFailure(s.stat('/'))).code, 'SSH_TIMEOUT', 'the session is over');
    await s.close(); // must not hang on the silent socket
  } finally {
    await proxy.close();
  }
});

t('close() on a connection that stopped answering falls back to destroying the socket', async (c) => {
  const proxy = await startProxy('127.0.99.1', c.jump);
  try {
    const h = { ...hostFor('mute', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    const s = await connectHost(h, optionsFor([h], { closeMs: 300 }));
    assert.ok(await s.stat('/'));
    proxy.freeze(); // the server's goodbye never arrives
    let hung = true;
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([s.close().then(() => (hung = false)), new Promise((r) => (guard = setTimeout(r, 10_000)))]);
    clearTimeout(guard);
    assert.not.ok(hung, 'close() returned');
    assert.is((await transportFailure(s.stat('/'))).code, 'SSH_CONNECTION_LOST');
  } finally {
    await proxy.close();
  }
});

t('losing the bastion ends the session to the host behind it', async (c) => {
  const proxy = await startProxy('127.0.99.1', c.jump);
  try {
    const bastion = { ...hostFor('bastion', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    const inner = hostFor('inner', c.target, { jump: 'bastion' });
    const s = await connectHost(inner, optionsFor([bastion, inner]));
    assert.ok(await s.stat('/'));
    const run = s.exec(['sleep', '3']);
    await new Promise((r) => setTimeout(r, 200));
    proxy.drop();
    assert.is((await transportFailure(run)).code, 'SSH_CONNECTION_LOST');
    await s.close();
  } finally {
    await proxy.close();
  }
});

t('the pool shares one bastion connection among the hosts behind it, and closes it at the end', async (c) => {
  const bastion = hostFor('bastion', c.jump);
  const inner = ['in1', 'in2', 'in3', 'in4', 'in5'].map((n) => hostFor(n, c.target, { jump: 'bastion' }));
  const from = c.jump.log().length;
  const results = await withHostSessions(inner, 3, async (s, h) => (await s.exec(['echo', h.name])).stdout.trim(), optionsFor([bastion, ...inner]));
  assert.equal(results.map((r) => (r.ok ? r.value : r.problem.message)), ['in1', 'in2', 'in3', 'in4', 'in5']);
  await new Promise((r) => setTimeout(r, 300));
  const logins = c.jump.log().slice(from).match(/Accepted publickey/g) ?? [];
  assert.is(logins.length, 1, 'one login on the bastion for five hosts');
  const left = execFileSync('ss', ['-Htn', 'state', 'established', 'dst', `${c.jump.addr}:${c.jump.port}`], { encoding: 'utf8' });
  assert.is(left.trim(), '', 'no connection to the bastion left open');
});

t('a shared bastion that dies takes every session through it down; the next one dials again', async (c) => {
  const proxy = await startProxy('127.0.99.1', c.jump);
  const pool = new JumpPool(300);
  try {
    const bastion = { ...hostFor('bastion', { ...c.jump, addr: proxy.addr, port: proxy.port }), addresses: [proxy.addr] };
    const a = hostFor('in-a', c.target, { jump: 'bastion' });
    const b = hostFor('in-b', c.target, { jump: 'bastion' });
    const opts = { ...optionsFor([bastion, a, b]), jumps: pool };
    const [sa, sb] = await Promise.all([connectHost(a, opts), connectHost(b, opts)]);
    assert.is(proxy.connections(), 1, 'one TCP connection to the bastion');
    const runs = [sa.exec(['sleep', '3']), sb.exec(['sleep', '3'])];
    await new Promise((r) => setTimeout(r, 200));
    proxy.drop();
    for (const run of runs) assert.is((await transportFailure(run)).code, 'SSH_CONNECTION_LOST');
    const again = await connectHost(a, opts);
    assert.is((await again.exec(['echo', 'ok'])).stdout, 'ok\n');
    assert.is(proxy.connections(), 2, 'a fresh bastion connection');
    await Promise.all([sa.close(), sb.close(), again.close()]);
    await pool.drain();
  } finally {
    await proxy.close();
  }
});

t('the pool: one session per host, bounded, every session closed, failures become problems', async (c) => {
  const good = hostFor('good', c.jump);
  const also = hostFor('also-good', c.target);
  const badKey = hostFor('bad-key', c.jump, { hostKeys: [c.target.hostKeys.ed25519] });
  const refused = hostFor('refused', c.jump, { port: await freePort(c.jump.addr) });
  const stranger = hostFor('stranger', c.target, { identity: { kind: 'file', path: makeIdentity(c.target.dir, 'stranger') } });
  const hosts = [good, badKey, also, refused, stranger, good];
  const opened: HostSession[] = [];
  let active = 0;
  let peak = 0;
  const base = optionsFor(hosts);
  const results = await withHostSessions(
    hosts,
    2,
    async (s, h) => {
      active++;
      peak = Math.max(peak, active);
      opened.push(s);
      const r = await s.exec(['echo', h.name]);
      await new Promise((res) => setTimeout(res, 50));
      active--;
      return r.stdout.trim();
    },
    base,
  );
  assert.equal(results.map((r) => r.host), ['good', 'bad-key', 'also-good', 'refused', 'stranger']);
  assert.equal(results.map((r) => (r.ok ? r.value : r.problem.code)), ['good', 'SSH_HOST_KEY_MISMATCH', 'also-good', 'SSH_REFUSED', 'SSH_AUTH_FAILED']);
  assert.ok(peak <= 2, `at most 2 hosts at once, saw ${peak}`);
  for (const s of opened) assert.is((await transportFailure(s.stat('/'))).code, 'SSH_CONNECTION_LOST', 'closed after use');
  const thrown = await withHostSessions([good], 4, async () => Promise.reject(new Error('boom')), base);
  assert.equal(thrown.map((r) => (r.ok ? 'ok' : r.problem.code)), ['HOST_OP_FAILED']);
});

t.run();
