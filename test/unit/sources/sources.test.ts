import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { makePki, type Pki, type Issued } from '../pki/openssl-fixtures.ts';
import { loadSource, sources } from '../../../src/sources/index.ts';
import type { SourceContext } from '../../../src/sources/types.ts';
import type { Certificate, CertSourceSpec } from '../../../src/inventory/types.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { inspect } from 'node:util';

interface Ctx {
  pki: Pki;
  leaf: Issued;
  dir: string;
}
const t = suite<Ctx>('certificate sources', {} as Ctx);
const loc = { file: 'hosts.yaml', line: 9, column: 5 };
const now = new Date(Date.now() + 3_600_000);

t.before((c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.dir = mkdtempSync(join(tmpdir(), 'mailtls-sources-'));
});
t.after((c) => c.pki.cleanup());

function cert(spec: CertSourceSpec, names = ['mx1.example.test']): Certificate {
  return { name: 'mail', names, keys: [{ algorithm: 'ecdsa', reuse: true }], sources: { ecdsa: spec }, renewBeforeDays: 21, loc: { ...loc, line: 8 } };
}

function ctx(dir: string): SourceContext {
  return { now, baseDir: dir, session: async (host) => new LocalSession({ host }) };
}

t('registry equals the source folders (acme comes later)', () => {
  const dirs = readdirSync(new URL('../../../src/sources/', import.meta.url)).filter((n) => statSync(new URL(`../../../src/sources/${n}`, import.meta.url)).isDirectory());
  assert.equal([...sources.keys()].sort(), dirs.sort());
});

t('files: leaf + chain + key, facts, checks and a stable fingerprint; the key never shows', async (c) => {
  writeFileSync(join(c.dir, 'full.pem'), c.leaf.certPem + c.pki.intermediate.certPem);
  writeFileSync(join(c.dir, 'key.pem'), c.leaf.keyPem, { mode: 0o600 });
  const spec: CertSourceSpec = { type: 'files', cert: 'full.pem', key: { kind: 'file', path: 'key.pem' }, loc };
  const r = await loadSource(cert(spec), 'ecdsa', ctx(c.dir));
  assert.ok(r.ok);
  if (!r.ok) return;
  const m = r.material;
  assert.is(m.leafPem, c.leaf.certPem);
  assert.is(m.chainPem, c.pki.intermediate.certPem);
  assert.is(m.keyPem, c.leaf.keyPem);
  assert.is(m.key.spki, m.leaf.spki);
  assert.equal(m.check, { keyMatchesCert: true, chainInOrder: true, missingNames: [], expired: false, notYetValid: false });
  assert.match(m.fingerprint, /^[0-9a-f]{64}$/);
  const again = await loadSource(cert(spec), 'ecdsa', ctx(c.dir));
  assert.is(again.ok && again.material.fingerprint, m.fingerprint);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(m)));
  assert.not.ok(containsPrivateKeyMaterial(inspect(m, { depth: 5 })));
});

t('files: key from env, separate chain file, names not covered noted', async (c) => {
  writeFileSync(join(c.dir, 'leaf.pem'), c.leaf.certPem);
  writeFileSync(join(c.dir, 'chain.pem'), c.pki.intermediate.certPem);
  process.env.MAILTLS_TEST_KEY = c.leaf.keyPem;
  const spec: CertSourceSpec = { type: 'files', cert: 'leaf.pem', chain: 'chain.pem', key: { kind: 'env', name: 'MAILTLS_TEST_KEY' }, loc };
  const r = await loadSource(cert(spec, ['mx1.example.test', 'mail.example.test']), 'ecdsa', ctx(c.dir));
  delete process.env.MAILTLS_TEST_KEY;
  assert.ok(r.ok);
  if (r.ok) {
    assert.is(r.material.chain.length, 1);
    assert.equal(r.material.check.missingNames, ['mail.example.test']);
  }
});

t('files: unreadable path → SOURCE_UNREADABLE at the source line; a key mismatch is a check, not an error', async (c) => {
  const spec: CertSourceSpec = { type: 'files', cert: 'nope.pem', key: { kind: 'file', path: 'key.pem' }, loc };
  const r = await loadSource(cert(spec), 'ecdsa', ctx(c.dir));
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(r.problems[0]!.code, 'SOURCE_UNREADABLE');
    assert.equal(r.problems[0]!.where, loc);
    assert.match(r.problems[0]!.message, /ENOENT/);
  }
  const other = c.pki.issue('other', 'ec', ['mx1.example.test']);
  writeFileSync(join(c.dir, 'other.pem'), other.certPem);
  const mm = await loadSource(cert({ ...spec, cert: 'other.pem' }), 'ecdsa', ctx(c.dir));
  assert.ok(mm.ok && !mm.material.check.keyMatchesCert);
});

t('files: not PEM → SOURCE_INVALID without any content in the message', async (c) => {
  writeFileSync(join(c.dir, 'junk.pem'), 'hello');
  const spec: CertSourceSpec = { type: 'files', cert: 'junk.pem', key: { kind: 'file', path: 'key.pem' }, loc };
  const r = await loadSource(cert(spec), 'ecdsa', ctx(c.dir));
  assert.ok(!r.ok && r.problems[0]!.code === 'SOURCE_INVALID');
  // wrong algorithm
  writeFileSync(join(c.dir, 'full.pem'), c.leaf.certPem);
  const spec2: CertSourceSpec = { type: 'files', cert: 'full.pem', key: { kind: 'file', path: 'key.pem' }, loc };
  const crt = cert(spec2);
  crt.sources = { rsa: spec2 };
  const w = await loadSource(crt, 'rsa', ctx(c.dir));
  assert.ok(!w.ok && w.problems[0]!.code === 'SOURCE_ALGORITHM');
});

t('remote: Let\'s Encrypt live/ symlinks are followed to archive/ real files', async (c) => {
  const root = mkdtempSync(join(tmpdir(), 'mailtls-le-'));
  mkdirSync(join(root, 'archive/npm-5'), { recursive: true });
  mkdirSync(join(root, 'live/npm-5'), { recursive: true });
  writeFileSync(join(root, 'archive/npm-5/fullchain3.pem'), c.leaf.certPem + c.pki.intermediate.certPem);
  writeFileSync(join(root, 'archive/npm-5/privkey3.pem'), c.leaf.keyPem, { mode: 0o600 });
  symlinkSync('../../archive/npm-5/fullchain3.pem', join(root, 'live/npm-5/fullchain.pem'));
  symlinkSync('../../archive/npm-5/privkey3.pem', join(root, 'live/npm-5/privkey.pem'));
  const spec: CertSourceSpec = { type: 'remote', host: 'npm', dir: join(root, 'live/npm-5'), loc };
  const r = await loadSource(cert(spec), 'ecdsa', ctx(c.dir));
  assert.ok(r.ok);
  if (r.ok) {
    assert.ok(r.material.origin.includes('archive/npm-5/fullchain3.pem'), r.material.origin);
    assert.ok(r.material.origin.includes('archive/npm-5/privkey3.pem'));
    assert.is(r.material.chain.length, 1);
  }
  // a dangling link is a located read problem
  symlinkSync('../../archive/npm-5/privkey9.pem', join(root, 'live/npm-5/broken.pem'));
  const b = await loadSource(cert({ ...spec, key: 'broken.pem' }), 'ecdsa', ctx(c.dir));
  assert.ok(!b.ok && b.problems[0]!.code === 'SOURCE_UNREADABLE');
});

t('remote: cert.pem + chain.pem when there is no fullchain.pem', async (c) => {
  const root = mkdtempSync(join(tmpdir(), 'mailtls-le2-'));
  writeFileSync(join(root, 'cert.pem'), c.leaf.certPem);
  writeFileSync(join(root, 'chain.pem'), c.pki.intermediate.certPem);
  writeFileSync(join(root, 'privkey.pem'), c.leaf.keyPem, { mode: 0o600 });
  const r = await loadSource(cert({ type: 'remote', host: 'npm', dir: root, loc }), 'ecdsa', ctx(c.dir));
  assert.ok(r.ok && r.material.chain.length === 1 && r.material.check.chainInOrder);
});

t('acme and missing sources are reported, not thrown', async (c) => {
  const a = await loadSource(cert({ type: 'acme', directory: 'https://acme.test/dir', loc }), 'ecdsa', ctx(c.dir));
  assert.ok(!a.ok && a.problems[0]!.code === 'SOURCE_UNSUPPORTED');
  const m = await loadSource(cert({ type: 'acme', directory: 'x', loc }), 'rsa', ctx(c.dir));
  assert.ok(!m.ok && m.problems[0]!.code === 'SOURCE_MISSING');
});

t.run();
