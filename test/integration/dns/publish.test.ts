// RFC 2136 publishing against the lab's Knot primary with the lab TSIG key: add, replace
// (add-before-delete), remove, a held-back secondary, a wrong key. Each test uses its own
// random owner name so it never touches records other tests rely on, and removes it again.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rfc2136 } from '../../../src/dns/rfc2136/index.ts';
import type { RR } from '../../../src/dns/types.ts';
import type { TlsaRecord } from '../../../src/state/types.ts';
import { gatherTlsa, propagation, query } from '../../../src/probe/dns/index.ts';
import { zoneSerial } from '../../../src/dns/rfc2136/wait.ts';
import { freezeSecondary, thawSecondary } from '../../lab/knot.ts';
import { layout } from '../../lab/layout.ts';
import { authoritative, env, labZone, primary, secondary } from './lab-zone.ts';

const t = suite('rfc2136 publish against the lab');
const hex = () => randomBytes(32).toString('hex');
const owner = (tag: string) => `_25._tcp.it-${tag}-${randomBytes(3).toString('hex')}.${env.dns.zone}`;
const tlsa311 = (data: string): TlsaRecord => ({ usage: 3, selector: 1, matchingType: 1, data });
const rr = (name: string, data: string): RR => ({ name, ttl: 10, type: 'TLSA', data: tlsa311(data) });
const ctx = { propagationTimeoutMs: 20000, pollIntervalMs: 200 };

async function tlsaAt(server: string, name: string): Promise<string[]> {
  const r = await query({ server, name, type: 'TLSA', recursion: false });
  return r.answers.flatMap((a) => (a.type === 'TLSA' ? [a.data.data] : [])).sort();
}

/** Removes whatever a test left at `name` (best effort, for the finally blocks). */
async function cleanup(name: string): Promise<void> {
  const left = await tlsaAt(primary, name);
  if (left.length) await rfc2136.publish(labZone(), { add: [], remove: left.map((d) => rr(name, d)) }, { propagationTimeoutMs: 0 });
}

t('add, replace (add-before-delete) and remove a TLSA record; every authoritative server follows', async () => {
  const name = owner('add');
  const [a, b] = [hex(), hex()];
  try {
    const added = await rfc2136.publish(labZone(), { add: [rr(name, a)], remove: [] }, ctx);
    assert.equal([added.ok, added.propagated, added.lagging, added.problems], [true, true, [], []]);
    assert.type(added.serial, 'number');
    assert.equal(await tlsaAt(primary, name), [a]);
    assert.equal(await tlsaAt(secondary, name), [a]);

    const replaced = await rfc2136.publish(labZone(), { add: [rr(name, b)], remove: [rr(name, a)] }, ctx);
    assert.ok(replaced.ok && replaced.propagated, JSON.stringify(replaced));
    assert.equal(await tlsaAt(primary, name), [b]);
    const live = await gatherTlsa({ owner: name, authoritative, zone: env.dns.zone });
    const p = propagation(live, { present: [tlsa311(b)], absent: [tlsa311(a)] });
    assert.ok(p.agreed, JSON.stringify(p));

    const removed = await rfc2136.publish(labZone(), { add: [], remove: [rr(name, b)] }, ctx);
    assert.ok(removed.ok && removed.propagated, JSON.stringify(removed));
    assert.equal(await tlsaAt(primary, name), []);
    assert.equal(await tlsaAt(secondary, name), []);
  } finally {
    await cleanup(name);
  }
});

t('nsupdate with the BIND key file works the same way', async () => {
  const name = owner('nsupdate');
  const a = hex();
  try {
    const zone = labZone({ kind: 'file', path: env.dns.tsig.bindKeyFile });
    const added = await rfc2136.publish(zone, { add: [rr(name, a)], remove: [] }, { ...ctx, updateTool: 'nsupdate' });
    assert.ok(added.ok && added.propagated, JSON.stringify(added));
    assert.equal(await tlsaAt(primary, name), [a]);
    const removed = await rfc2136.publish(zone, { add: [], remove: [rr(name, a)] }, { ...ctx, updateTool: 'nsupdate' });
    assert.ok(removed.ok, JSON.stringify(removed));
    assert.equal(await tlsaAt(primary, name), []);
  } finally {
    await cleanup(name);
  }
});

t('TXT records (ACME DNS-01) are added and removed the same way', async () => {
  const name = `_acme-challenge.it-${randomBytes(3).toString('hex')}.${env.dns.zone}`;
  const token = randomBytes(32).toString('base64url');
  const txt: RR = { name, ttl: 10, type: 'TXT', data: [token] };
  const txtAt = async () => (await query({ server: secondary, name, type: 'TXT', recursion: false })).answers.flatMap((a) => (a.type === 'TXT' ? a.data : []));
  try {
    const added = await rfc2136.publish(labZone(), { add: [txt], remove: [] }, ctx);
    assert.ok(added.ok && added.propagated, JSON.stringify(added));
    assert.equal(await txtAt(), [token]);
  } finally {
    const removed = await rfc2136.publish(labZone(), { add: [], remove: [txt] }, ctx);
    assert.ok(removed.ok && removed.propagated, JSON.stringify(removed));
  }
  assert.equal(await txtAt(), []);
});

t('a held-back secondary keeps its older serial: publish reports it lagging until released', async () => {
  const name = owner('held');
  const a = hex();
  const l = layout();
  let held = false;
  try {
    await freezeSecondary(l);
    held = true;
    const before = await zoneSerial(secondary, env.dns.zone, 2000);
    const r = await rfc2136.publish(labZone(), { add: [rr(name, a)], remove: [] }, { propagationTimeoutMs: 1500, pollIntervalMs: 200 });
    assert.ok(r.ok, 'the primary accepted the update');
    assert.is(r.propagated, false);
    assert.equal(r.lagging, [secondary]);
    assert.equal(r.problems.map((p) => p.code), ['DNS_PROPAGATION_PENDING']);

    const live = await gatherTlsa({ owner: name, authoritative, zone: env.dns.zone });
    const [ns1, ns2] = live.authoritative;
    assert.equal(ns1!.records.map((x) => x.data), [a]);
    assert.equal(ns2!.records, []);
    assert.is(ns2!.soaSerial, before);
    assert.ok(ns1!.soaSerial! > ns2!.soaSerial!, `primary ${ns1!.soaSerial} > secondary ${ns2!.soaSerial}`);
    const p = propagation(live);
    assert.not.ok(p.agreed);
    assert.equal(p.lagging, [secondary]);

    await thawSecondary(l);
    held = false;
    const after = await rfc2136.publish(labZone(), { add: [rr(name, a)], remove: [] }, ctx); // idempotent re-add, then wait
    assert.ok(after.propagated, JSON.stringify(after));
    assert.ok(propagation(await gatherTlsa({ owner: name, authoritative, zone: env.dns.zone })).agreed);
  } finally {
    if (held) await thawSecondary(l);
    await cleanup(name);
  }
});

t('a wrong TSIG secret is a clear DNS_UPDATE_AUTH problem that shows no secret, and changes nothing', async () => {
  const name = owner('badkey');
  const wrong = randomBytes(32).toString('base64');
  const real = readFileSync(env.dns.tsig.knsupdateKeyFile, 'utf8').trim().split(':').pop()!;
  process.env.MAILTLS_IT_WRONG_TSIG = wrong;
  const serial = await zoneSerial(primary, env.dns.zone, 2000);
  const r = await rfc2136.publish(labZone({ kind: 'env', name: 'MAILTLS_IT_WRONG_TSIG' }), { add: [rr(name, hex())], remove: [] }, ctx);
  assert.is(r.ok, false);
  assert.equal(r.problems.map((p) => p.code), ['DNS_UPDATE_AUTH']);
  assert.match(r.problems[0]!.message, /rejected the update of lab\.test with TSIG key/);
  assert.match(r.problems[0]!.message, /BADSIG/);
  const text = JSON.stringify(r);
  assert.not.ok(text.includes(wrong), 'the wrong secret is not shown');
  assert.not.ok(text.includes(real), 'the real secret is not shown');
  assert.equal(await tlsaAt(primary, name), []);
  assert.is(await zoneSerial(primary, env.dns.zone, 2000), serial);
  delete process.env.MAILTLS_IT_WRONG_TSIG;
});

t('an unknown key name and a zone the primary does not serve are told apart', async () => {
  const badName = await rfc2136.publish({ ...labZone(), tsig: { ...labZone().tsig!, name: 'no-such-key' } }, { add: [rr(owner('k'), hex())], remove: [] }, ctx);
  assert.equal(badName.problems.map((p) => p.code), ['DNS_UPDATE_AUTH']);
  assert.match(badName.problems[0]!.message, /BADKEY/);
  const otherZone = 'not-served.test';
  const refused = await rfc2136.publish({ ...labZone(), name: otherZone }, { add: [rr(`_25._tcp.mx.${otherZone}`, hex())], remove: [] }, ctx);
  assert.equal(refused.problems.map((p) => p.code), ['DNS_UPDATE_REFUSED']);
});

t.run();
