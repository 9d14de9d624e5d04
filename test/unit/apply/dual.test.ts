// A service serving two keys (ECDSA and RSA, as Postfix can): both file sets deploy in one
// transaction, verify probes each algorithm separately (real prober, forced signature
// algorithms), and a rollback expects each algorithm's own previous leaf again.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { tlsProbe } from '../../../src/apply/probe-adapter.ts';
import type { DeployRequest } from '../../../src/apply/types.ts';
import type { Pem } from './helpers/pki.ts';
import { fp, fullchain, makeFixture, NAME, type Fixture } from './helpers/fixture.ts';

const t = suite('apply/dual-algorithm');

function dualRequest(f: Fixture, ec: Pem, rsa: Pem): DeployRequest {
  const req = f.request(ec);
  const r = f.rsa!;
  const base = { service: 'daemon', algorithm: 'rsa' as const, owner: 'root', group: 'root', replaceSymlink: false };
  req.files.push(
    { ...base, path: r.certPath, role: 'cert', bytes: fullchain(rsa), mode: 0o644, secret: false },
    { ...base, path: r.keyPath, role: 'key', bytes: rsa.key, mode: 0o600, secret: true },
  );
  req.checks.push({ service: 'daemon', algorithm: 'rsa', paths: [r.certPath, r.keyPath], names: [NAME] });
  req.verify = [
    { ...req.verify[0]!, algorithm: 'ecdsa', expect: { fingerprint: fp(ec) } },
    { ...req.verify[0]!, algorithm: 'rsa', expect: { fingerprint: fp(rsa) } },
  ];
  return req;
}

const servedBy = async (f: Fixture, algorithm: 'ecdsa' | 'rsa') =>
  (await tlsProbe('local', 2000)({ service: 'daemon', address: '127.0.0.1', port: f.port, sni: NAME, algorithm, expect: {} })).chain?.[0]?.fingerprint;

t('ECDSA + RSA deploy together; each algorithm is verified on the wire; rollback restores each', async () => {
  const f = await makeFixture({ rsa: true });
  try {
    const r = f.rsa!;
    assert.is(await servedBy(f, 'ecdsa'), fp(f.old));
    assert.is(await servedBy(f, 'rsa'), fp(r.old));
    const deps = { ...(await f.deps('run-dual')), probe: tlsProbe('local', 2000) };
    const ok = await deployGroup(dualRequest(f, f.next, r.next), deps);
    assert.is(ok.outcome, 'applied', JSON.stringify(ok.problems));
    assert.equal(ok.verified.map((v) => [v.algorithm, v.ok]), [['ecdsa', true], ['rsa', true]]);
    assert.is(await servedBy(f, 'ecdsa'), fp(f.next));
    assert.is(await servedBy(f, 'rsa'), fp(r.next));

    // A no-op reload: the new pair never gets served; the rollback must find both old leaves again.
    const failing = dualRequest(f, f.old, r.old);
    failing.services[0]!.reload = [['true']];
    const back = await deployGroup(failing, { ...(await f.deps('run-dual-fail')), probe: tlsProbe('local', 2000) });
    assert.is(back.outcome, 'rolled-back', JSON.stringify(back.problems));
    assert.is(back.failure?.stage, 'verify');
    assert.equal(readFileSync(r.certPath), fullchain(r.next));
    assert.is(await servedBy(f, 'rsa'), fp(r.next));
    assert.equal(f.leftovers(), []);
  } finally {
    await f.close();
  }
});

t.run();
