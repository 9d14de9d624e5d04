import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki, reissue, type Pki, type Issued } from './helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource, NOW, OWNER } from './helpers/world.ts';
import { guards } from '../../../src/plan/index.ts';
import { certFacts } from '../../../src/pki/index.ts';
import { catalog } from '../../../src/errors/catalog.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Desired, Plan } from '../../../src/plan/types.ts';

interface Ctx {
  pki: Pki;
  leaf: Issued;
  src: string;
  inv: Inventory;
}
const t = suite<Ctx>('plan guards', {} as Ctx);

t.before((c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.src = writeSource(c.pki, c.leaf);
  c.inv = inventory(c.src);
});
t.after((c) => c.pki.cleanup());

/** Desired of the current source, against a Live holding the original leaf. */
async function deployOf(c: Ctx, write: () => void, mutate?: (d: Desired) => void) {
  const d0 = await desiredFor(c.inv);
  const live = matchingLive(d0);
  write();
  try {
    const d = await desiredFor(c.inv, live);
    mutate?.(d);
    return { d, live, plan: planOf(c.inv, d, live) };
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
}

const found = (plan: Plan, name: string) => plan.guards.filter((g) => g.guard === name);

t('registry equals the guard files, each with a catalogued code', () => {
  const files = readdirSync(new URL('../../../src/plan/guards/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !['index.ts', 'types.ts', 'material.ts', 'dane-endpoints.ts'].includes(f))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.equal([...guards.keys()].sort(), files);
  for (const g of guards.values()) assert.ok(catalog[g.code], g.code);
  assert.equal([...guards.values()].filter((g) => !g.allowable).map((g) => g.name).sort(), ['dane-gap', 'key-mismatch']);
});

t('key-mismatch: key of another certificate; never allowable', async (c) => {
  const other = c.pki.issue('x.example.test', 'ec', ['mx1.example.test']);
  const r = await deployOf(c, () => writeSource(c.pki, { ...c.leaf, certPem: other.certPem }, c.src));
  const f = found(r.plan, 'key-mismatch');
  assert.is(f.length, 1);
  assert.ok(f[0]!.blocks);
  assert.equal(f[0]!.problem.where, { file: 'hosts.yaml', line: 30, column: 3 }, 'located at the certificate');
  const allowed = planOf(c.inv, r.d, r.live, ['key-mismatch']);
  assert.ok(found(allowed, 'key-mismatch')[0]!.blocks);
});

t('names-not-covered: allowable with --allow', async (c) => {
  const inv = inventory(c.src, ['mx1.example.test', 'smtp.example.test']);
  const d0 = await desiredFor(inventory(c.src));
  const live = matchingLive(d0);
  const renewed = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
  writeSource(c.pki, renewed, c.src);
  try {
    const d = await desiredFor(inv, live);
    const plan = planOf(inv, d, live);
    const f = found(plan, 'names-not-covered');
    assert.is(f.length, 1);
    assert.ok(f[0]!.problem.message.includes('does not cover smtp.example.test'));
    assert.ok(f[0]!.blocks);
    const ok = planOf(inv, d, live, ['names-not-covered']);
    assert.ok(found(ok, 'names-not-covered')[0]!.allowed);
    assert.is(ok.summary.guards_blocking, 0);
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('chain-order: intermediate before leaf', async (c) => {
  const renewed = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
  const r = await deployOf(c, () => writeSource(c.pki, { ...renewed, certPem: renewed.certPem + c.pki.root.certPem }, c.src));
  // leaf, root, intermediate: root did not issue the leaf
  assert.is(found(r.plan, 'chain-order').length, 1);
});

t('expired and not-yet-valid come from the material checks at `now`', async (c) => {
  const renewed = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
  const r = await deployOf(c, () => writeSource(c.pki, renewed, c.src), (d) => {
    d.services[0]!.sets[0]!.check.expired = true;
    d.services[1]!.sets[0]!.check.notYetValid = true;
  });
  assert.is(found(r.plan, 'expired').length, 1);
  assert.is(found(r.plan, 'not-yet-valid').length, 1);
});

t('downgrade: new certificate expires before the served one', async (c) => {
  const shorter = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 5);
  const r = await deployOf(c, () => writeSource(c.pki, shorter, c.src));
  const f = found(r.plan, 'downgrade');
  assert.is(f.length, 2, 'postfix and dovecot');
  assert.ok(f[0]!.problem.message.includes('earlier than the current'));
  const allowed = planOf(c.inv, r.d, r.live, ['downgrade']);
  assert.is(allowed.summary.guards_blocking, 0);
  assert.is(allowed.summary.guards_allowed, 2);
});

t('dane-unvalidated: no AD bit, or authoritative servers disagree (only for touched owners)', async (c) => {
  const renewed = reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
  const d0 = await desiredFor(c.inv);
  const quiet = matchingLive(d0);
  quiet.tlsa[0]!.resolver!.ad = false;
  assert.equal(planOf(c.inv, d0, quiet).guards, [], 'nothing touches the owner: no finding');
  writeSource(c.pki, renewed, c.src);
  try {
    const live = matchingLive(d0);
    live.tlsa[0]!.resolver!.ad = false;
    live.tlsa[0]!.authoritative[1]!.records = [];
    live.tlsa[0]!.authoritative[1]!.soaSerial = 6;
    const d = await desiredFor(c.inv, live);
    const f = found(planOf(c.inv, d, live), 'dane-unvalidated');
    assert.is(f.length, 2);
    assert.ok(f[0]!.problem.message.includes('without the AD bit'));
    assert.ok(f[1]!.problem.message.includes('authoritative servers disagree'));
    assert.equal(f[1]!.problem.where, { dns: OWNER });
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('dane-gap also guards a reload that would put an unpublished key on the wire', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  const other = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  // wire serves an older key; disk holds the desired one, whose record is missing
  for (const p of live.hosts[0]!.services[0]!.probes) p.chain = [certFacts(new X509Certificate(other.certPem))];
  for (const a of [live.tlsa[0]!.resolver!, ...live.tlsa[0]!.authoritative]) a.records = [{ usage: 3, selector: 1, matchingType: 1, data: certFacts(new X509Certificate(other.certPem)).spki }];
  const plan = planOf(c.inv, d, live);
  assert.ok(plan.changes.some((x) => x.action === 'reload'));
  assert.is(found(plan, 'dane-gap').length, 1);
});

t('dane-gap honours the hold time when the state store knows first-seen times', async (c) => {
  const fresh = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  const d0 = await desiredFor(c.inv);
  const live = matchingLive(d0);
  writeSource(c.pki, fresh, c.src);
  try {
    const d = await desiredFor(c.inv, live);
    const spki = d.services[0]!.sets[0]!.keySpki;
    for (const a of [live.tlsa[0]!.resolver!, ...live.tlsa[0]!.authoritative]) a.records.push({ usage: 3, selector: 1, matchingType: 1, data: spki });
    const inv = structuredClone(c.inv);
    inv.dns.tlsa[0]!.holdSeconds = 7200;
    const { makePlan } = await import('../../../src/plan/index.ts');
    const seen = new Map([[`${OWNER}|3 1 1 ${spki}`, new Date(NOW.getTime() - 3600_000).toISOString()]]);
    const plan = makePlan({ inventory: inv, desired: d, live, now: NOW, tlsaFirstSeen: seen });
    const f = found(plan, 'dane-gap');
    assert.is(f.length, 1);
    assert.ok(f[0]!.problem.message.includes('hold time runs until'));
    // Past the configured hold: allowed, unless twice the largest TTL ever seen is longer still.
    const later = new Date(NOW.getTime() + 3 * 3600_000);
    assert.is(found(makePlan({ inventory: inv, desired: d, live, now: later, tlsaFirstSeen: seen }), 'dane-gap').length, 0);
    const ttl = new Map([[OWNER, 86400]]);
    const held = found(makePlan({ inventory: inv, desired: d, live, now: later, tlsaFirstSeen: seen, tlsaMaxTtl: ttl }), 'dane-gap');
    assert.is(held.length, 1, 'W = max(hold, 2 × max TTL)');
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('unreachable-host: partial plan, allowable', async (c) => {
  const d = await desiredFor(c.inv);
  const live = matchingLive(d);
  live.hosts[0]!.reachable = false;
  live.hosts[0]!.services = [];
  const plan = planOf(c.inv, d, live);
  assert.equal(plan.partial.unreachable, ['mx1']);
  assert.equal(plan.changes, [], 'nothing is planned for an unreachable host');
  assert.is(found(plan, 'unreachable-host').length, 1);
  assert.ok(planOf(c.inv, d, live, ['unreachable-host']).guards[0]!.allowed);
});

t('unknown --allow names are problems', async (c) => {
  const d = await desiredFor(c.inv);
  const plan = planOf(c.inv, d, matchingLive(d), ['dane-gapp']);
  assert.equal(plan.problems.map((p) => p.code), ['ALLOW_UNKNOWN']);
});

t.run();
