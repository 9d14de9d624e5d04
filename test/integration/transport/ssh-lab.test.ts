// The transport against the lab's own sshd instances (mx1, mx2): pinned keys from the lab, the
// lab identity, the managed files read over SFTP, and mx2 reached through mx1 as a jump host.
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { labEnv, labUp, type LabEnv } from '../../lab/index.ts';
import { connectHost } from '../../../src/transport/ssh/index.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import type { Host } from '../../../src/inventory/types.ts';
import { optionsFor } from './sshd-fixture.ts';

interface Ctx {
  env: LabEnv;
  mx1: Host;
  mx2: Host;
}
const t = suite<Ctx>('transport: against the lab sshd', {} as Ctx);

const LOC = { file: 'lab', line: 1, column: 1 };

function labHost(env: LabEnv, h: 'mx1' | 'mx2', extra: Partial<Host['ssh']> = {}): Host {
  const lab = env.hosts[h];
  if (!lab.hostKey) throw new Error(`the lab has no host key for ${h} yet`);
  return {
    name: h,
    addresses: [lab.address],
    services: [],
    loc: LOC,
    ssh: {
      port: lab.sshPort,
      user: env.ssh.user,
      identity: { kind: 'file', path: env.ssh.identity },
      hostKeys: [lab.hostKey],
      sudo: false,
      connectTimeoutMs: 10_000,
      loc: LOC,
      ...extra,
    },
  };
}

t.before(async (ctx) => {
  await labUp();
  ctx.env = labEnv();
  ctx.mx1 = labHost(ctx.env, 'mx1');
  ctx.mx2 = labHost(ctx.env, 'mx2', { jump: 'mx1' });
});

t('mx1: the managed certificate and key are read over SFTP with their facts', async ({ env, mx1 }) => {
  // Other suites deploy to mx1 while this runs, so each remote fact is compared with the local
  // view taken just before and just after it (the lab's hosts live on this machine).
  const s = await connectHost(mx1, optionsFor([mx1]));
  try {
    const files = env.hosts.mx1.services.postfix;
    const before = readFileSync(files.cert);
    const remote = await s.readFile(files.cert);
    const after = readFileSync(files.cert);
    assert.ok(remote.equals(before) || remote.equals(after), 'SFTP read the bytes that are on disk');
    const modeBefore = statSync(files.key).mode & 0o7777;
    const key = await s.stat(files.key);
    const modeAfter = statSync(files.key).mode & 0o7777;
    assert.ok(key?.isFile);
    assert.ok(key.mode === modeBefore || key.mode === modeAfter, `mode ${key.mode.toString(8)}`);
    assert.equal(await s.resolveNames(0, 0), { owner: 'root', group: 'root' });
    assert.is((await s.exec(['id', '-u'])).stdout, '0\n');
  } finally {
    await s.close();
  }
});

t('mx2 through mx1: each hop pinned, and the connection to mx2 really comes from mx1 sshd', async ({ env, mx1, mx2 }) => {
  const s = await connectHost(mx2, optionsFor([mx1, mx2]));
  try {
    const files = env.hosts.mx2.services.postfix;
    const before = readFileSync(files.cert);
    const remote = await s.readFile(files.cert);
    assert.ok(remote.equals(before) || remote.equals(readFileSync(files.cert)));
    // SSH_CONNECTION names our end as seen by mx2's sshd; on this one machine we can ask the
    // kernel who owns that socket: mx1's sshd (forwarding), not this Node process.
    const conn = (await s.exec(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.trim().split(' ');
    const [srcAddr, srcPort] = conn;
    const owner = await s.exec(['ss', '-Htnp', 'state', 'established', 'src', `${srcAddr}:${srcPort}`]);
    assert.match(owner.stdout, /"sshd"/);
    assert.not.match(owner.stdout, /"node"/);
  } finally {
    await s.close();
  }
});

t('mx1 with mx2\'s key pinned is refused, naming both fingerprints', async ({ env, mx1 }) => {
  const wrong = { ...mx1, ssh: { ...mx1.ssh, hostKeys: [env.hosts.mx2.hostKey!] } };
  let err: unknown;
  await connectHost(wrong, optionsFor([wrong])).catch((e: unknown) => (err = e));
  assert.instance(err, TransportError);
  const e = err as TransportError;
  assert.is(e.code, 'SSH_HOST_KEY_MISMATCH');
  assert.match(e.message, /^mx1 \(127\.0\.10\.1:22\): host key changed — offered ssh-ed25519 SHA256:\S+, expected ssh-ed25519 SHA256:\S+/);
});

t.run();
