// `down` stops every lab process (whole process trees, by PID) and frees every port; `up` then
// brings the same lab back (same keys, same certificate). Runs last among the lab's tests.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { labUp, labDown, labStatus, labEnv } from '../../lab/index.ts';
import { processTree, alive } from '../../lab/procs.ts';
import { tcpOpen, querySoa } from '../../lab/net.ts';

const env = labEnv();
const t = suite('lab: down leaves nothing, up comes back');

t.before(async () => {
  await labUp();
});

t('down stops every lab process and frees every port; up restores the same lab', async () => {
  const before = await labStatus();
  assert.ok(before.every((c) => c.healthy), JSON.stringify(before.filter((c) => !c.healthy)));
  const pids = before.flatMap((c) => (c.pid ? processTree(c.pid) : []));
  assert.ok(pids.length >= before.length);
  const knownHosts = readFileSync(env.ssh.knownHosts, 'utf8');
  const served = readFileSync(env.hosts.mx1.services.postfix.cert, 'utf8');
  try {
    const down = await labDown();
    assert.equal(down.leftovers, []);
    assert.is(down.stopped.length, before.length);
    assert.equal(pids.filter(alive), [], 'no process of the lab is left');
    const after = await labStatus();
    assert.ok(after.every((c) => !c.running));
    for (const c of after) {
      for (const e of c.endpoints) {
        if (e.label.startsWith('dns')) assert.is(await querySoa(e.address, env.dns.zone, 300), undefined);
        else assert.not.ok(await tcpOpen(e.address, e.port, 300), `${e.address}:${e.port} still accepts`);
      }
    }
  } finally {
    await labUp({ force: true });
  }
  const again = await labStatus();
  assert.ok(again.every((c) => c.healthy));
  assert.is(readFileSync(env.ssh.knownHosts, 'utf8'), knownHosts);
  assert.is(readFileSync(env.hosts.mx1.services.postfix.cert, 'utf8'), served);
});

t.run();
