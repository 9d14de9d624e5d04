// Plan → apply end to end on real files: the plan engine's own world (one Postfix service)
// pointed at a temp dir and a SIGHUP-reloading TLS server; a same-key renewal is planned,
// applied through applyPlan with the real TLS prober, and a re-plan on the new state is empty.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { applyPlan } from '../../../src/apply/apply-plan.ts';
import { buildRequests } from '../../../src/apply/executor.ts';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { tlsProbe } from '../../../src/apply/probe-adapter.ts';
import { existsSync } from 'node:fs';
import { LocalSession } from '../../../src/transport/local.ts';
import { leafIdentity } from '../../../src/apply/material.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import { makePki, reissue } from '../plan/helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource } from '../plan/helpers/world.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';

const t = suite('apply/applyPlan');

function pointAt(inv: Inventory, f: Fixture): Inventory {
  const host = inv.hosts[0]!;
  host.addresses = ['127.0.0.1'];
  const pf = host.services.find((s) => s.name === 'postfix')!;
  pf.files = { ecdsa: { cert: f.certPath, key: f.keyPath } };
  pf.endpoints = [{ port: f.port, sni: 'mx1.example.test', dane: false, addresses: ['127.0.0.1'], loc: pf.loc }];
  pf.reload = [['kill', '-HUP', String(f.pid)]];
  pf.validate = [['true']];
  host.services = [pf];
  inv.dns.tlsa = [];
  return inv;
}

t('a renewal is planned, applied with verify on the wire, and the next plan is empty', async () => {
  const pki = makePki();
  const leaf = pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  const toPem = (i: { certPem: string; keyPem: string }) => ({ cert: Buffer.from(i.certPem), key: Buffer.from(i.keyPem), chain: Buffer.from(pki.intermediate.certPem) });
  const f = await makeFixture({ old: toPem(leaf) });
  try {
    const src = writeSource(pki, leaf);
    const inv = pointAt(inventory(src), f);
    const live = matchingLive(await desiredFor(inv));
    const renewed = reissue(pki, leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
    writeSource(pki, renewed, src);
    const desired = await desiredFor(inv, live);
    const plan = planOf(inv, desired, live);
    assert.equal(plan.changes.map((c) => c.action), ['deploy', 'reload']);

    const common = {
      desired, inventory: inv, log: { event: () => {} }, journalDir: f.journalDir, stateDirFor: () => f.stateDir,
      openSession: async () => new LocalSession({ host: 'mx1' }), verifyPolicy: { timeoutMs: 3000, initialDelayMs: 50, maxDelayMs: 400, factor: 2 },
    };
    const r = await applyPlan({ ...common, plan });
    assert.is(r.exit_code, 0, JSON.stringify([r.problems, r.hosts.map((h) => h.problems)]));
    assert.equal(r.hosts.map((h) => [h.host, h.outcome]), [['mx1', 'applied']]);
    assert.is(r.hosts[0]!.groups[0]!.verified.length, 1);
    assert.equal(readFileSync(f.certPath, 'utf8'), renewed.certPem + pki.intermediate.certPem);
    assert.is(await f.served(), leafIdentity(Buffer.from(renewed.certPem))!.fingerprint);
    const manifest = JSON.parse(readFileSync(`${f.stateDir}/manifest.json`, 'utf8'));
    assert.is(manifest.groups['mx1/postfix'].plan_hash, plan.plan_hash);
    assert.is(manifest.groups['mx1/postfix'].inventory_commit, plan.inventory.commit);

    const again = planOf(inv, desired, matchingLive(desired));
    assert.equal(again.changes, []);
    const r2 = await applyPlan({ ...common, plan: again });
    assert.is(r2.exit_code, 0);
    assert.equal(r2.hosts, []);
    assert.equal(r2.recovered, [], 'nothing was left to recover');
  } finally {
    await f.close();
    pki.cleanup();
  }
});

t('an apply that died between swap and verify is rolled back by the next apply, which then applies the plan', async () => {
  const pki = makePki();
  const leaf = pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  const toPem = (i: { certPem: string; keyPem: string }) => ({ cert: Buffer.from(i.certPem), key: Buffer.from(i.keyPem), chain: Buffer.from(pki.intermediate.certPem) });
  const f = await makeFixture({ old: toPem(leaf) });
  try {
    const src = writeSource(pki, leaf);
    const inv = pointAt(inventory(src), f);
    const live = matchingLive(await desiredFor(inv));
    const renewed = reissue(pki, leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90);
    writeSource(pki, renewed, src);
    const desired = await desiredFor(inv, live);
    const plan = planOf(inv, desired, live);

    // The first run "dies" right after journalling the verify step: nothing after it happens.
    const real = await FileJournal.open(f.journalDir, 'died');
    await real.start();
    let dead = false;
    const journal = { record: async (e: Parameters<FileJournal['record']>[0]) => {
      if (dead) throw new Error('process killed');
      if (e.step === 'verify') dead = true;
      return real.record(e);
    } };
    const [req] = buildRequests({ plan, desired, inventory: inv }).hosts[0]!.requests;
    const crashed = await deployGroup(req!, { ...(await f.deps('died')), session: new LocalSession({ host: 'mx1' }), journal }).catch((err: Error) => err);
    assert.instance(crashed, Error);
    await real.close();
    assert.ok(existsSync(`${f.stateDir}/lock.json`), 'the dead run holds the lock');

    const r = await applyPlan({
      plan, desired, inventory: inv, log: { event: () => {} }, journalDir: f.journalDir, stateDirFor: () => f.stateDir,
      openSession: async () => new LocalSession({ host: 'mx1' }), verifyPolicy: { timeoutMs: 3000, initialDelayMs: 50, maxDelayMs: 400, factor: 2 },
      probeFor: (h) => tlsProbe(h, 2000),
    });
    assert.equal(r.recovered.map((x) => [x.run_id, x.results.map((g) => [g.action, g.ok])]), [['died', [['rollback', true]]]]);
    assert.is(r.exit_code, 0, JSON.stringify([r.problems, r.hosts.map((h) => h.problems)]));
    assert.equal(r.hosts.map((h) => h.outcome), ['applied']);
    assert.is(await f.served(), leafIdentity(Buffer.from(renewed.certPem))!.fingerprint);
    assert.equal(f.leftovers(), []);
    assert.not.ok(existsSync(`${f.stateDir}/lock.json`));
  } finally {
    await f.close();
    pki.cleanup();
  }
});

t.run();
