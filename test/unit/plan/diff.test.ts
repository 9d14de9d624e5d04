import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { makePki, reissue, type Pki, type Issued } from './helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource, OWNER } from './helpers/world.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Live } from '../../../src/state/types.ts';

interface Ctx {
  pki: Pki;
  leaf: Issued;
  src: string;
  inv: Inventory;
}
const t = suite<Ctx>('plan diff', {} as Ctx);

t.before((c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.src = writeSource(c.pki, c.leaf);
  c.inv = inventory(c.src);
});
t.after((c) => c.pki.cleanup());

t('empty plan when every byte, mode, owner and served leaf matches', async (c) => {
  const d = await desiredFor(c.inv);
  const plan = planOf(c.inv, d, matchingLive(d));
  assert.equal(plan.changes, []);
  assert.equal(plan.guards, []);
  assert.equal(plan.summary.changes, 0);
});

t('file conventions: no chain path → fullchain in cert; chain path → separate files', async (c) => {
  const d = await desiredFor(c.inv);
  const pf = d.services.find((s) => s.service === 'postfix')!.sets[0]!;
  const dv = d.services.find((s) => s.service === 'dovecot')!.sets[0]!;
  assert.equal(pf.files.map((f) => f.role), ['cert', 'key']);
  assert.equal(pf.files[0]!.bytes.toString(), c.leaf.certPem + c.pki.intermediate.certPem);
  assert.equal(dv.files.map((f) => f.role), ['cert', 'chain', 'key']);
  assert.equal(dv.files[0]!.bytes.toString(), c.leaf.certPem);
  assert.equal(dv.files[1]!.bytes.toString(), c.pki.intermediate.certPem);
  assert.equal(dv.files[2]!.mode, '0600');
  // bytes never serialise
  assert.not.match(JSON.stringify(d), 'PRIVATE KEY');
  // combined (smtpd_tls_chain_files): one secret file, key first, then leaf, then chain
  const inv = structuredClone(c.inv);
  inv.hosts[0]!.services[0]!.files = { ecdsa: { cert: '/etc/postfix/all.pem', key: '/etc/postfix/all.pem', combined: true } };
  const comb = (await desiredFor(inv)).services[0]!.sets[0]!.files;
  assert.equal(comb.map((f) => [f.role, f.mode, f.secret]), [['combined', '0600', true]]);
  assert.is(comb[0]!.bytes.toString(), c.leaf.keyPem + c.leaf.certPem + c.pki.intermediate.certPem);
});

t('new certificate on the same key → a deploy per service, one reload for the shared-key group', async (c) => {
  const d0 = await desiredFor(c.inv);
  const live = matchingLive(d0);
  const renewed = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
  writeSource(c.pki, renewed, c.src);
  try {
    const d1 = await desiredFor(c.inv, live);
    const plan = planOf(c.inv, d1, live);
    assert.equal(plan.changes.map((x) => x.id), [
      'mx1/dovecot/ecdsa/deploy',
      'mx1/postfix/ecdsa/deploy',
      'mx1/dovecot+postfix/reload',
    ]);
    const reload = plan.changes[2]!;
    assert.equal(reload.target.services, ['postfix', 'dovecot'], 'inventory order');
    assert.equal(reload.depends_on, ['mx1/dovecot/ecdsa/deploy', 'mx1/postfix/ecdsa/deploy']);
    const dep = plan.changes[1]!;
    assert.ok(dep.reasons.some((r) => /certificate on disk differs from source \(serial \w+ -> \w+\)/.test(r)), dep.reasons.join('|'));
    assert.equal(dep.before.spki, dep.after.spki);
    assert.equal(plan.groups.map((g) => g.id), ['mx1/dovecot+postfix']);
    assert.equal(plan.guards.filter((g) => g.blocks), [], 'same key: TLSA still matches');
    assert.equal(plan.summary.deploys, 2);
    assert.equal(plan.summary.reloads, 1);
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('disk already new, wire still old → reload only', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  const old = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 10);
  const { X509Certificate } = await import('node:crypto');
  const { certFacts } = await import('../../../src/pki/index.ts');
  const oldFacts = certFacts(new X509Certificate(old.certPem));
  for (const p of live.hosts[0]!.services[0]!.probes) p.chain = [oldFacts];
  const plan = planOf(c.inv, d, live);
  assert.equal(plan.changes.map((x) => x.action), ['reload']);
  assert.equal(plan.changes[0]!.target.services, ['postfix']);
  assert.ok(plan.changes[0]!.reasons.some((r) => r.includes('differs from file on disk (reload missing)')), plan.changes[0]!.reasons.join('|'));
});

t('key mode 0644 → fix-perms only', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  live.hosts[0]!.services[0]!.files[0]!.key.mode = '0644';
  const plan = planOf(c.inv, d, live);
  assert.equal(plan.changes.map((x) => x.id), ['mx1/postfix/ecdsa/fix-perms']);
  assert.ok(plan.changes[0]!.reasons.includes('file mode 0644, want 0600 (/etc/postfix/key.pem)'));
  const key = plan.changes[0]!.files!.find((f) => f.role === 'key')!;
  assert.equal(key.differs, ['mode']);
});

t('owner differs → fix-perms (owner); ids without names are not compared', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  live.hosts[0]!.services[1]!.files[0]!.key.group = 'dovecot';
  const cert = live.hosts[0]!.services[0]!.files[0]!.cert;
  delete cert.owner;
  delete cert.group;
  cert.uid = 0;
  cert.gid = 0;
  const plan = planOf(c.inv, d, live);
  assert.equal(plan.changes.map((x) => x.id), ['mx1/dovecot/ecdsa/fix-perms']);
  const f = plan.changes[0]!.files!.find((x) => x.differs.length)!;
  assert.equal([f.differs, f.before.owner, f.after.owner], [['owner'], 'root:dovecot', 'root:root']);
});

t('missing file and symlink-to-replace are deploys', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  live.hosts[0]!.services[1]!.files[0]!.chain = undefined;
  d.services[0]!.sets[0]!.replaceSymlinks = true;
  live.hosts[0]!.services[0]!.files[0]!.cert.linkTarget = '/srv/certs/cert.pem';
  const plan = planOf(c.inv, d, live);
  assert.equal(plan.changes.map((x) => x.id), ['mx1/dovecot/ecdsa/deploy', 'mx1/postfix/ecdsa/deploy', 'mx1/dovecot+postfix/reload']);
  assert.equal(plan.changes[0]!.files!.find((f) => f.role === 'chain')!.differs, ['missing']);
  assert.equal(plan.changes[1]!.files!.find((f) => f.role === 'cert')!.differs, ['symlink']);
});

t('new key without TLSA → tlsa-publish first, deploy depends on it, dane-gap blocks with the exact record', async (c) => {
  const d0 = await desiredFor(c.inv);
  const live = matchingLive(d0);
  const fresh = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  writeSource(c.pki, fresh, c.src);
  try {
    const d1 = await desiredFor(c.inv, live);
    const plan = planOf(c.inv, d1, live);
    const spki = d1.services[0]!.sets[0]!.keySpki;
    assert.equal(plan.changes[0]!.id, `tlsa/${OWNER}/publish`);
    assert.equal(plan.changes[0]!.records, [{ usage: 3, selector: 1, matchingType: 1, data: spki }]);
    const dep = plan.changes.find((x) => x.id === 'mx1/postfix/ecdsa/deploy')!;
    assert.equal(dep.depends_on, [`tlsa/${OWNER}/publish`]);
    const gap = plan.guards.filter((g) => g.guard === 'dane-gap');
    assert.equal(gap.length, 1);
    assert.ok(gap[0]!.blocks);
    assert.ok(gap[0]!.problem.message.includes(`publish: ${OWNER}. IN TLSA 3 1 1 ${spki}`), gap[0]!.problem.message);
    assert.equal(gap[0]!.change_ids, ['mx1/dovecot+postfix/reload', 'mx1/postfix/ecdsa/deploy']);
    // never allowable
    const again = planOf(c.inv, d1, live, ['dane-gap']);
    assert.ok(again.guards.find((g) => g.guard === 'dane-gap')!.blocks);
    assert.ok(again.problems.some((p) => p.code === 'ALLOW_REFUSED'));
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('TLSA published for the new key → no gap; after the switch the old record is retired after the reload', async (c) => {
  const d0 = await desiredFor(c.inv);
  const live: Live = matchingLive(d0);
  const oldSpki = d0.services[0]!.sets[0]!.keySpki;
  const fresh = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  writeSource(c.pki, fresh, c.src);
  try {
    const d1 = await desiredFor(c.inv, live);
    const newSpki = d1.services[0]!.sets[0]!.keySpki;
    for (const a of [live.tlsa[0]!.resolver!, ...live.tlsa[0]!.authoritative]) a.records.push({ usage: 3, selector: 1, matchingType: 1, data: newSpki });
    const plan = planOf(c.inv, d1, live);
    assert.equal(plan.guards, []);
    assert.equal(plan.changes.filter((x) => x.action.startsWith('tlsa')), [], 'old key still served: kept');
    // later: served and on disk are new, the old record lingers → retire
    const d2 = await desiredFor(c.inv);
    const live2 = matchingLive(d2);
    for (const a of [live2.tlsa[0]!.resolver!, ...live2.tlsa[0]!.authoritative]) a.records.push({ usage: 3, selector: 1, matchingType: 1, data: oldSpki });
    const plan2 = planOf(c.inv, await desiredFor(c.inv, live2), live2);
    assert.equal(plan2.changes.map((x) => x.id), [`tlsa/${OWNER}/retire`]);
    assert.equal(plan2.changes[0]!.records![0]!.data, oldSpki);
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('deterministic: the same inputs give the same plan', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  live.hosts[0]!.services[1]!.files[0]!.key.owner = 'dovecot';
  const a = JSON.stringify(planOf(c.inv, d, live));
  const b = JSON.stringify(planOf(c.inv, await desiredFor(c.inv), live));
  assert.is(a, b);
});

t.run();
