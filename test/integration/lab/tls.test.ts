// The lab's mail daemons serve the lab certificate, and a new certificate written over the lab's
// SSH + `postfix reload` / `doveadm reload` appears on the wire. The original bytes are put back.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { labUp, labEnv, sshExec } from '../../lab/index.ts';
import type { ServiceFiles } from '../../lab/index.ts';
import { runOk, sleep } from '../../lab/run.ts';
import { spkiSha256OfPem } from '../../lab/source.ts';
import { servedLeaf, leafOfFile } from './wire.ts';

const env = labEnv();
const mx1 = env.hosts.mx1;
const t = suite('lab: TLS on mx1');

t.before(async () => {
  await labUp();
});

// Other suites swap mx1's certificate too (apply, probe); compare once disk and wire hold still.
async function settled<T>(read: () => Promise<T>, same: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 40 && !same(v); i++) {
    await sleep(250);
    v = await read();
  }
  return v;
}

t('SMTP STARTTLS on mx1:25 serves the certificate on disk, which is the npm source certificate', async () => {
  const [served, disk] = await settled(
    async () => [await servedLeaf(mx1.address, 25, 'smtp'), leafOfFile(readFileSync(mx1.services.postfix.cert, 'utf8'))] as const,
    ([a, b]) => a.fingerprint256 === b.fingerprint256,
  );
  assert.is(served.fingerprint256, disk.fingerprint256);
  const source = readFileSync(join(env.hosts.npm.live, 'cert.pem'), 'utf8');
  const key = await settled(async () => readFileSync(mx1.services.postfix.key, 'utf8'), (k) => spkiSha256OfPem(k) === spkiSha256OfPem(source));
  assert.is(spkiSha256OfPem(source), spkiSha256OfPem(key));
  assert.ok(served.subjectAltName?.includes('DNS:mx1.lab.test'));
});

t('IMAPS on mx1:993 serves the same certificate', async () => {
  const [imaps, disk, smtp] = await settled(
    async () => [await servedLeaf(mx1.address, 993), leafOfFile(readFileSync(mx1.services.dovecot.cert, 'utf8')), await servedLeaf(mx1.address, 25, 'smtp')] as const,
    ([a, b, c]) => a.fingerprint256 === b.fingerprint256 && a.fingerprint256 === c.fingerprint256,
  );
  assert.is(imaps.fingerprint256, disk.fingerprint256);
  assert.is(imaps.fingerprint256, smtp.fingerprint256);
});

/** A throw-away self-signed certificate for mx1.lab.test (key + cert PEM). */
async function throwAwayCert(): Promise<{ cert: string; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-tls-'));
  try {
    await runOk(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=mx1.lab.test',
      '-addext', 'subjectAltName=DNS:mx1.lab.test']);
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeOverSsh(path: string, data: string): Promise<void> {
  // tee keeps the existing file's mode and owner (key.pem stays 0600).
  const r = await sshExec('mx1', ['tee', path], data);
  assert.is(r.code, 0, r.stderr);
}

async function swap(svc: ServiceFiles, material: { cert: string; key: string }): Promise<void> {
  await writeOverSsh(svc.key, material.key);
  await writeOverSsh(svc.cert, material.cert);
  const check = await sshExec('mx1', svc.validate);
  assert.is(check.code, 0, check.stderr);
  const reload = await sshExec('mx1', svc.reload);
  assert.is(reload.code, 0, reload.stderr);
}

async function waitServed(port: number, starttls: 'smtp' | undefined, fingerprint: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    last = (await servedLeaf(mx1.address, port, starttls)).fingerprint256;
    if (last === fingerprint) return last;
    await sleep(250);
  }
  return last;
}

for (const [name, port, starttls] of [['postfix', 25, 'smtp'], ['dovecot', 993, undefined]] as const) {
  t(`${name}: new files + reload over SSH put the new certificate on the wire; restoring brings the old one back`, async () => {
    const svc = mx1.services[name];
    // Put back the lab's canonical bytes (the npm source), not whatever another suite left.
    const original = {
      cert: readFileSync(join(env.hosts.npm.live, 'fullchain.pem'), 'utf8'),
      key: readFileSync(join(env.hosts.npm.live, 'privkey.pem'), 'utf8'),
    };
    const before = leafOfFile(original.cert).fingerprint256;
    const fresh = await throwAwayCert();
    const want = leafOfFile(fresh.cert).fingerprint256;
    try {
      await swap(svc, fresh);
      assert.is(await waitServed(port, starttls, want), want);
    } finally {
      await swap(svc, original);
    }
    assert.is(await waitServed(port, starttls, before), before);
    assert.is(await settled(async () => readFileSync(svc.cert, 'utf8'), (c) => c === original.cert), original.cert);
    assert.is(await settled(async () => readFileSync(svc.key, 'utf8'), (k) => k === original.key), original.key);
    assert.is(statSync(svc.key).mode & 0o777, 0o600);
  });
}

t.run();
