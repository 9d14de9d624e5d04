// File facts over a real LocalSession on temp dirs with real openssl certificates: appended
// chains, combined key+chain files, symlinks, missing files, a key of another certificate, a
// chain in the wrong order; never any key material in the facts.
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { makePki, type Issued, type Pki } from '../pki/openssl-fixtures.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import { readFileSet } from '../../../src/state/index.ts';
import { containsPrivateKeyMaterial, sha256Hex } from '../../../src/pki/index.ts';

interface Ctx { pki: Pki; leaf: Issued; other: Issued; dir: string }
const t = suite<Ctx>('state: file facts', {} as Ctx);
const session = new LocalSession({ host: 'mx1' });

t.before((c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.other = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.dir = mkdtempSync(join(tmpdir(), 'mailtls-facts-'));
});
t.after((c) => c.pki.cleanup());

function write(c: Ctx, name: string, text: string, mode: number): string {
  const p = join(c.dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

t('cert with the chain appended + key: identities, modes, owner names, match and order', async (c) => {
  const cert = write(c, 'cert.pem', c.leaf.certPem + c.pki.intermediate.certPem, 0o644);
  const key = write(c, 'key.pem', c.leaf.keyPem, 0o600);
  const f = await readFileSet(session, 'ecdsa', { cert, key });
  assert.is(f.cert.exists, true);
  assert.is(f.cert.mode, '0644');
  assert.is(f.key.mode, '0600');
  assert.is(f.cert.owner, 'root');
  assert.is(f.cert.sha256, sha256Hex(Buffer.from(c.leaf.certPem + c.pki.intermediate.certPem)));
  assert.is(f.cert.certs?.length, 2);
  assert.is(f.cert.certs?.[0]?.names[0], 'mx1.example.test');
  assert.is(f.key.key?.algorithm, 'ecdsa');
  assert.is(f.key.key?.spki, f.cert.certs?.[0]?.spki);
  assert.is(f.keyMatchesCert, true);
  assert.is(f.chainInOrder, true);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(f)));
});

t('combined file (key then chain, as smtpd_tls_chain_files): read once, both facts', async (c) => {
  const both = write(c, 'combined.pem', c.leaf.keyPem + c.leaf.certPem + c.pki.intermediate.certPem, 0o600);
  const f = await readFileSet(session, 'ecdsa', { cert: both, key: both, combined: true });
  assert.is(f.cert, f.key);
  assert.ok(f.cert.key && f.cert.certs?.length === 2);
  assert.is(f.keyMatchesCert, true);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(f)));
});

t('separate chain file, symlinked cert, missing key', async (c) => {
  const real = write(c, 'leaf-real.pem', c.leaf.certPem, 0o644);
  const link = join(c.dir, 'leaf-link.pem');
  symlinkSync('leaf-real.pem', link);
  const chain = write(c, 'chain.pem', c.pki.intermediate.certPem, 0o644);
  const f = await readFileSet(session, 'ecdsa', { cert: link, key: join(c.dir, 'nope.pem'), chain });
  assert.is(f.cert.linkTarget, 'leaf-real.pem');
  assert.is(f.cert.sha256, sha256Hex(Buffer.from(c.leaf.certPem)));
  assert.ok(real);
  assert.is(f.key.exists, false);
  assert.is(f.keyMatchesCert, undefined);
  assert.is(f.chain?.certs?.length, 1);
  assert.is(f.chainInOrder, true, 'order holds across the cert file and the chain file');
});

t('a key of another certificate, a chain in the wrong order, a file that is not PEM', async (c) => {
  const cert = write(c, 'rev.pem', c.pki.intermediate.certPem + c.leaf.certPem, 0o644);
  const key = write(c, 'other.key', c.other.keyPem, 0o644);
  const f = await readFileSet(session, 'ecdsa', { cert, key });
  assert.is(f.chainInOrder, false);
  assert.is(f.keyMatchesCert, false);
  const junk = write(c, 'junk.pem', 'hello\n', 0o644);
  const g = await readFileSet(session, 'ecdsa', { cert: junk, key });
  assert.match(g.cert.error ?? '', /no PEM/);
  assert.is(g.cert.certs, undefined);
});

t.run();
