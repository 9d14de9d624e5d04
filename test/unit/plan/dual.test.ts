// Dual RSA + ECDSA (dane.md scenario 1): each algorithm is probed and covered separately.
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { makePki, type Pki, type Issued } from './helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource, OWNER } from './helpers/world.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Desired } from '../../../src/plan/types.ts';
import type { Live } from '../../../src/state/types.ts';

interface Ctx {
  pki: Pki;
  rsa: Issued;
  ec: Issued;
  rsaDir: string;
  ecDir: string;
  inv: Inventory;
}
const t = suite<Ctx>('dual algorithm plans', {} as Ctx);

t.before((c) => {
  c.pki = makePki();
  c.rsa = c.pki.issue('mx1.example.test', 'rsa', ['mx1.example.test']);
  c.ec = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.rsaDir = writeSource(c.pki, c.rsa);
  c.ecDir = writeSource(c.pki, c.ec);
  const inv = inventory(c.ecDir);
  const pf = inv.hosts[0]!.services[0]!;
  pf.files = { rsa: { cert: '/etc/postfix/rsa.pem', key: '/etc/postfix/rsa.key' }, ecdsa: { cert: '/etc/postfix/ec.pem', key: '/etc/postfix/ec.key' } };
  inv.hosts[0]!.services = [pf];
  const cert = inv.certificates[0]!;
  cert.keys = [{ algorithm: 'rsa', reuse: true }, { algorithm: 'ecdsa', reuse: true }];
  cert.sources = {
    ecdsa: cert.sources.ecdsa!,
    rsa: { type: 'files', cert: join(c.rsaDir, 'fullchain.pem'), key: { kind: 'file', path: join(c.rsaDir, 'privkey.pem') }, loc: { file: 'hosts.yaml', line: 33, column: 3 } },
  };
  c.inv = inv;
});
t.after((c) => c.pki.cleanup());

/** Live with one forced-algorithm probe per set, TLSA holding only the RSA record. */
function liveOf(d: Desired): Live {
  const live = matchingLive(d);
  const sl = live.hosts[0]!.services[0]!;
  const ds = d.services[0]!;
  sl.probes = ds.sets.map((set) => ({ host: 'mx1', service: 'postfix', address: '192.0.2.1', port: 25, starttls: 'smtp', sni: 'mx1.example.test', algorithm: set.algorithm, ok: true, chain: [set.leaf, ...set.chain] }));
  const rsaSpki = ds.sets.find((s) => s.algorithm === 'rsa')!.keySpki;
  for (const a of [live.tlsa[0]!.resolver!, ...live.tlsa[0]!.authoritative]) a.records = [{ usage: 3, selector: 1, matchingType: 1, data: rsaSpki }];
  return live;
}

t('ECDSA served without its TLSA record → tlsa-publish for exactly that key, reason says senders defer', async (c) => {
  const d = await desiredFor(c.inv);
  const live = liveOf(d);
  const plan = planOf(c.inv, await desiredFor(c.inv, live), live);
  const ecSpki = d.services[0]!.sets.find((s) => s.algorithm === 'ecdsa')!.keySpki;
  assert.equal(plan.changes.map((x) => x.id), [`tlsa/${OWNER}/publish`]);
  assert.equal(plan.changes[0]!.records!.map((r) => r.data), [ecSpki]);
  assert.match(plan.changes[0]!.reasons[0]!, 'DANE senders defer mail');
  assert.equal(plan.guards, [], 'no deploy: nothing newly served');
});

t('new ECDSA key: deploy of the ECDSA set only, dane-gap for the ECDSA key only', async (c) => {
  const d0 = await desiredFor(c.inv);
  const live = liveOf(d0);
  const fresh = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  writeSource(c.pki, fresh, c.ecDir);
  try {
    const d = await desiredFor(c.inv, live);
    const plan = planOf(c.inv, d, live);
    assert.equal(plan.changes.filter((x) => x.action === 'deploy').map((x) => x.id), ['mx1/postfix/ecdsa/deploy']);
    const gaps = plan.guards.filter((g) => g.guard === 'dane-gap');
    const newSpki = d.services[0]!.sets.find((s) => s.algorithm === 'ecdsa')!.keySpki;
    assert.is(gaps.length, 1);
    assert.match(gaps[0]!.problem.message, newSpki);
  } finally {
    writeSource(c.pki, c.ec, c.ecDir);
  }
});

t.run();
