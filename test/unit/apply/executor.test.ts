// The executor on a real plan (the plan engine's own test world: mx1 with Postfix and Dovecot
// sharing one ECDSA key): a renewal becomes one request for the shared-key group with every
// file, both services in inventory order, and every endpoint to verify with the new leaf.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { buildRequests } from '../../../src/apply/executor.ts';
import { makePki, reissue } from '../plan/helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource } from '../plan/helpers/world.ts';

const t = suite('apply/executor');

t('a same-key renewal → one request per shared-key group; reload + verify every endpoint with the new leaf', async () => {
  const pki = makePki();
  try {
    const leaf = pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
    const src = writeSource(pki, leaf);
    const inv = inventory(src);
    const live = matchingLive(await desiredFor(inv));
    writeSource(pki, reissue(pki, leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90), src);
    const desired = await desiredFor(inv, live);
    const plan = planOf(inv, desired, live);
    const { hosts, problems } = buildRequests({ plan, desired, inventory: inv });
    assert.equal(problems, []);
    assert.is(hosts.length, 1);
    const [req] = hosts[0]!.requests;
    assert.is(req!.group, 'mx1/dovecot+postfix');
    assert.equal(req!.services.map((s) => s.name), ['postfix', 'dovecot'], 'inventory order');
    assert.equal(req!.services[0]!.reload, [['postfix', 'reload']]);
    assert.equal(req!.files.map((f) => [f.path, f.mode.toString(8), f.secret]).sort(), [
      ['/etc/dovecot/cert.pem', '644', false], ['/etc/dovecot/chain.pem', '644', false], ['/etc/dovecot/key.pem', '600', true],
      ['/etc/postfix/cert.pem', '644', false], ['/etc/postfix/key.pem', '600', true],
    ]);
    const newLeaf = desired.services[0]!.sets[0]!.leaf;
    assert.equal(req!.verify.map((v) => `${v.service} ${v.port}${v.starttls ? '/' + v.starttls : ''}`).sort(), ['dovecot 993', 'postfix 25/smtp', 'postfix 465']);
    assert.ok(req!.verify.every((v) => v.expect.fingerprint === newLeaf.fingerprint && v.algorithm === 'ecdsa'));
    assert.equal(req!.checks.map((c) => [c.service, c.paths[0], c.names]).sort(), [
      ['dovecot', '/etc/dovecot/cert.pem', ['mx1.example.test']], ['postfix', '/etc/postfix/cert.pem', ['mx1.example.test']],
    ]);
    assert.is(req!.reload, 'always');
    assert.is(req!.planHash, plan.plan_hash);
    assert.equal(req!.changeIds, plan.changes.map((c) => c.id).filter((id) => id.startsWith('mx1/')));
    assert.not.ok(/PRIVATE KEY|Buffer/.test(JSON.stringify(req)), 'the request serialises without bytes');
    assert.ok(req!.files.every((f) => f.bytes.length > 0), 'the bytes are there for the transaction');
  } finally {
    pki.cleanup();
  }
});

t('an empty plan → no requests; a change waiting on an unpublished TLSA record is held back', async () => {
  const pki = makePki();
  try {
    const leaf = pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
    const inv = inventory(writeSource(pki, leaf));
    const desired = await desiredFor(inv);
    const plan = planOf(inv, desired, matchingLive(desired));
    assert.equal(buildRequests({ plan, desired, inventory: inv }).hosts, []);
    const waiting = structuredClone(plan);
    waiting.changes = [{ id: 'mx1/postfix/ecdsa/deploy', action: 'deploy', target: { host: 'mx1', service: 'postfix', algorithm: 'ecdsa' }, group: 'mx1/dovecot+postfix', phase: 2, before: {}, after: {}, reasons: [], depends_on: ['tlsa/_25._tcp.mx1.example.test/publish'] }];
    waiting.groups = [{ id: 'mx1/dovecot+postfix', host: 'mx1', services: ['postfix', 'dovecot'], key_spkis: [], change_ids: ['mx1/postfix/ecdsa/deploy'] }];
    const r = buildRequests({ plan: waiting, desired, inventory: inv });
    assert.equal(r.hosts, []);
    assert.is(r.problems[0]!.code, 'APPLY_DEPENDENCY_PENDING');
    const done = buildRequests({ plan: waiting, desired, inventory: inv, done: new Set(['tlsa/_25._tcp.mx1.example.test/publish']) });
    assert.is(done.hosts[0]!.requests[0]!.reload, 'if-changed');
  } finally {
    pki.cleanup();
  }
});

t.run();
