// `up` is idempotent: a second `up` reuses every running daemon, and restarts one that died.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { labUp, labStatus, labEnv } from '../../lab/index.ts';
import { alive } from '../../lab/procs.ts';
import { sleep } from '../../lab/run.ts';
import { dig } from './wire.ts';

const env = labEnv();
const t = suite('lab: up is idempotent');

t.before(async () => {
  await labUp();
});

t('a second up starts nothing and reuses every component', async () => {
  const before = await labStatus();
  const r = await labUp({ force: true });
  assert.equal(r.started, []);
  assert.equal([...r.reused].sort(), before.map((c) => c.id).sort());
  const after = await labStatus();
  assert.equal(after.map((c) => c.pid), before.map((c) => c.pid));
});

t('up restarts a daemon that died (unbound), and validation works again', async () => {
  const victim = (await labStatus()).find((c) => c.id === 'resolver-unbound');
  assert.ok(victim?.pid);
  process.kill(victim.pid, 'SIGKILL');
  for (let i = 0; i < 20 && alive(victim.pid); i++) await sleep(100);
  assert.not.ok(alive(victim.pid));
  const r = await labUp({ force: true });
  assert.equal(r.started, ['resolver-unbound']);
  const now = (await labStatus()).find((c) => c.id === 'resolver-unbound');
  assert.ok(now?.healthy);
  assert.is.not(now.pid, victim.pid);
  const a = await dig(env.dns.resolver.address, '_25._tcp.mx2.lab.test', 'TLSA');
  assert.ok(a.flags.includes('ad'));
});

t.run();
