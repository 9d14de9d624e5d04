// Connecting: pinned host keys (ok, changed, unknown), authentication (key file, env, agent,
// wrong key, unusable key), and each connect failure class, against a real OpenSSH sshd.
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { connectHost } from '../../../src/transport/ssh/index.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import { parsePinnedKey } from '../../../src/transport/ssh/host-keys.ts';
import { freePort, hostFor, makeIdentity, optionsFor, startSshd, type Sshd } from './sshd-fixture.ts';

const t = suite<{ d: Sshd }>('transport: ssh connect', {} as { d: Sshd });

t.before(async (ctx) => {
  ctx.d = await startSshd('127.0.99.1');
});
t.after(async (ctx) => {
  await ctx.d?.stop();
});

async function failure(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, TransportError, String(err));
    return err as TransportError;
  }
  throw new Error('expected the connection to fail');
}

/** Authentications and session/subsystem requests the server logged since `from`. */
function serverActivity(d: Sshd, from: number): string[] {
  return d
    .log()
    .slice(from)
    .split('\n')
    .filter((l) => /Accepted publickey|Starting session|session_new|server_input_channel_open/.test(l));
}

t('the pinned key connects, runs a command and reads a file', async ({ d }) => {
  const h = hostFor('mx-test', d);
  const logFrom = d.log().length;
  const s = await connectHost(h, optionsFor([h]));
  try {
    const r = await s.exec(['echo', 'hello']);
    assert.equal(r, { code: 0, stdout: 'hello\n', stderr: '', timedOut: false });
    assert.equal(await s.readFile(`${d.identity}.pub`), readFileSync(`${d.identity}.pub`));
  } finally {
    await s.close();
  }
  // The detector the refusal tests rely on does see a real login and SFTP channel.
  await new Promise((r) => setTimeout(r, 200));
  const seen = serverActivity(d, logFrom).join('\n');
  assert.match(seen, /Accepted publickey for root/);
  assert.match(seen, /Starting session: subsystem 'sftp'/);
});

t('an ssh-rsa pin is honoured with an SHA-2 signature (rsa-sha2-*)', async ({ d }) => {
  const h = hostFor('mx-rsa', d, { hostKeys: [d.hostKeys.rsa] });
  const s = await connectHost(h, optionsFor([h]));
  await s.close();
  assert.match(d.log(), /rsa-sha2-(512|256)/);
});

t('a changed host key is refused: both fingerprints named, nothing authenticated or opened', async ({ d }) => {
  const other = makeIdentity(d.dir, 'impostor'); // any ed25519 public key that is not the server's
  const pinned = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const h = hostFor('mx-changed', d, { hostKeys: [pinned] });
  const logFrom = d.log().length;
  const e = await failure(connectHost(h, optionsFor([h])));
  assert.is(e.code, 'SSH_HOST_KEY_MISMATCH');
  assert.is(e.host, 'mx-changed');
  assert.ok(e.message.includes(parsePinnedKey(pinned).fingerprint), 'names the expected fingerprint');
  assert.ok(e.message.includes(parsePinnedKey(d.hostKeys.ed25519).fingerprint), 'names the offered fingerprint');
  assert.match(e.message, /nothing read or written/);
  // The server's own log: the key exchange stopped before authentication, so no session and
  // no SFTP subsystem can have been opened.
  await new Promise((r) => setTimeout(r, 200)); // let sshd flush its log line for the disconnect
  assert.equal(serverActivity(d, logFrom), []);
  assert.is(e.toProblem().code, 'SSH_HOST_KEY_MISMATCH');
});

t('an unknown host (nothing pinned) is refused, naming the key it offered', async ({ d }) => {
  const h = hostFor('mx-unknown', d, { hostKeys: [] });
  const logFrom = d.log().length;
  const e = await failure(connectHost(h, optionsFor([h])));
  assert.is(e.code, 'SSH_HOST_KEY_UNKNOWN');
  assert.ok(e.message.startsWith(`mx-unknown (127.0.99.1:${d.port}): host key unknown`), e.message);
  assert.ok(e.message.includes('SHA256:'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(serverActivity(d, logFrom), []);
});

t('a wrong identity fails authentication', async ({ d }) => {
  const h = hostFor('mx-wrong-key', d, { identity: { kind: 'file', path: makeIdentity(d.dir, 'stranger') } });
  const e = await failure(connectHost(h, optionsFor([h])));
  assert.is(e.code, 'SSH_AUTH_FAILED');
  assert.match(e.message, /^mx-wrong-key/);
});

t('the identity can come from an environment variable', async ({ d }) => {
  process.env.MAILTLS_TEST_SSH_KEY = readFileSync(d.identity, 'utf8');
  try {
    const h = hostFor('mx-env', d, { identity: { kind: 'env', name: 'MAILTLS_TEST_SSH_KEY' } });
    const s = await connectHost(h, optionsFor([h]));
    assert.is((await s.exec(['true'])).code, 0);
    await s.close();
  } finally {
    delete process.env.MAILTLS_TEST_SSH_KEY;
  }
});

t('an unusable identity is a config problem that does not echo the secret', async ({ d }) => {
  process.env.MAILTLS_TEST_SSH_KEY = 'not-a-key-SECRETVALUE';
  try {
    const h = hostFor('mx-badkey', d, { identity: { kind: 'env', name: 'MAILTLS_TEST_SSH_KEY' } });
    const e = await failure(connectHost(h, optionsFor([h])));
    assert.is(e.code, 'SSH_CONFIG');
    assert.not.match(e.message, /SECRETVALUE/);
    const missing = hostFor('mx-nokey', d, { identity: { kind: 'env', name: 'MAILTLS_TEST_UNSET_VAR' } });
    assert.is((await failure(connectHost(missing, optionsFor([missing])))).code, 'SSH_CONFIG');
  } finally {
    delete process.env.MAILTLS_TEST_SSH_KEY;
  }
});

t('without an identity the SSH agent is used (SSH_AUTH_SOCK)', async ({ d }) => {
  const out = execFileSync('ssh-agent', ['-s'], { encoding: 'utf8' });
  const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(out)?.[1];
  const pid = /SSH_AGENT_PID=(\d+);/.exec(out)?.[1];
  assert.ok(sock && pid);
  const saved = process.env.SSH_AUTH_SOCK;
  try {
    const add = spawnSync('ssh-add', [d.identity], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
    assert.is(add.status, 0, add.stderr);
    process.env.SSH_AUTH_SOCK = sock;
    const h = hostFor('mx-agent', d, { identity: undefined });
    const s = await connectHost(h, optionsFor([h]));
    assert.is((await s.exec(['true'])).code, 0);
    await s.close();
    delete process.env.SSH_AUTH_SOCK;
    assert.is((await failure(connectHost(h, optionsFor([h])))).code, 'SSH_CONFIG', 'no agent, no key');
  } finally {
    if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved;
    process.kill(Number(pid), 'SIGTERM');
  }
});

t('a port with no listener is refused', async ({ d }) => {
  const port = await freePort(d.addr);
  const h = hostFor('mx-closed', d, { port });
  const e = await failure(connectHost(h, optionsFor([h])));
  assert.is(e.code, 'SSH_REFUSED');
  assert.ok(e.message.includes(`127.0.99.1:${port}`), e.message);
});

t('a name that does not resolve is a DNS problem', async ({ d }) => {
  const h = { ...hostFor('mx-nxdomain', d), addresses: ['no-such-host.invalid'] };
  assert.is((await failure(connectHost(h, optionsFor([h])))).code, 'SSH_DNS');
});

t('a server that accepts but never speaks times out', async ({ d }) => {
  const held: Socket[] = [];
  const silent: Server = createServer((sock) => void held.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.99.1', () => r()));
  try {
    const h = hostFor('mx-silent', d, { port: (silent.address() as { port: number }).port });
    const e = await failure(connectHost(h, optionsFor([h], { connectMs: 500 })));
    assert.is(e.code, 'SSH_TIMEOUT');
  } finally {
    for (const sock of held) sock.destroy();
    await new Promise((r) => silent.close(r));
  }
});

t('a server that speaks something else is a protocol error', async ({ d }) => {
  const http: Server = createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((r) => http.listen(0, '127.0.99.1', () => r()));
  try {
    const h = hostFor('mx-http', d, { port: (http.address() as { port: number }).port });
    assert.is((await failure(connectHost(h, optionsFor([h])))).code, 'SSH_PROTOCOL');
  } finally {
    await new Promise((r) => http.close(r));
  }
});

t('a malformed pinned key line is a config problem, before any connection', async ({ d }) => {
  const h = hostFor('mx-badpin', d, { hostKeys: ['ssh-ed25519 AAAA'] });
  const e = await failure(connectHost(h, optionsFor([h])));
  assert.is(e.code, 'SSH_CONFIG');
  assert.match(e.message, /ssh\.hostKeys\[0\]/);
});

t.run();
