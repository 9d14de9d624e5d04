// SessionCache: one session per host however many callers ask at once, a failed connect is
// remembered (no retry storm) and is a Problem, closeAll closes each session once.
import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { HostUnavailableError, SessionCache } from '../../../src/state/index.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import type { Host, Inventory } from '../../../src/inventory/types.ts';

const loc = { file: 'hosts.yaml', line: 1, column: 1 };
const host = (name: string): Host => ({ name, addresses: ['192.0.2.1'], services: [], loc, ssh: { port: 22, user: 'root', hostKeys: [], sudo: false, connectTimeoutMs: 1000, loc } });
const inv: Inventory = { path: 'hosts.yaml', sha256: '0'.repeat(64), hosts: [host('a'), host('b')], certificates: [], dns: { zones: [], tlsa: [] } };

const t = suite('state: SessionCache');

async function rejects(f: () => Promise<unknown>, check: (e: unknown) => boolean = () => true): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.ok(check(e), String(e));
    return;
  }
  assert.unreachable('expected a rejection');
}

t('one session per host; failures remembered as problems; closeAll closes each once', async () => {
  const opened: string[] = [];
  const closed: string[] = [];
  const cache = new SessionCache(inv, {
    open: async (h) => {
      opened.push(h.name);
      await new Promise((r) => setTimeout(r, 10));
      if (h.name === 'b') throw new TransportError('SSH_REFUSED', 'b', 'b (192.0.2.1:22): connection refused');
      const s = new LocalSession({ host: h.name });
      s.close = async () => void closed.push(h.name);
      return s;
    },
  });
  const [s1, s2] = await Promise.all([cache.get('a'), cache.get('a')]);
  assert.is(s1, s2);
  for (let i = 0; i < 3; i++) {
    try {
      await cache.get('b');
      assert.unreachable('b must fail');
    } catch (err) {
      assert.instance(err, HostUnavailableError);
      assert.is((err as HostUnavailableError).problem.code, 'SSH_REFUSED');
    }
  }
  assert.equal(opened.sort(), ['a', 'b'], 'b was dialled once');
  assert.is((await cache.failure('b'))?.code, 'SSH_REFUSED');
  assert.equal(await cache.openHosts(), ['a']);
  await cache.closeAll();
  assert.equal(closed, ['a']);
  await rejects(() => cache.get('a'));
});

t('a name that is not an inventory host is a problem, not a dial', async () => {
  let dialled = false;
  const cache = new SessionCache(inv, { open: async () => ((dialled = true), new LocalSession()) });
  await rejects(() => cache.get('zzz'), (e: unknown) => e instanceof HostUnavailableError && /not a host of the inventory/.test(e.message));
  assert.not.ok(dialled);
  await cache.closeAll();
});

t.run();
