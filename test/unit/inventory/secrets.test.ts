// Secrets are read at use time; errors name the reference and never the value.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSecretRef, parseSecretRef, readSecret } from '../../../src/inventory/index.ts';
import { MailtlsError } from '../../../src/errors/catalog.ts';

const t = suite('secrets');

t('parses and formats references', () => {
  assert.equal(parseSecretRef('env:TSIG_KEY'), { kind: 'env', name: 'TSIG_KEY' });
  assert.equal(parseSecretRef('file:keys/id_ed25519'), { kind: 'file', path: 'keys/id_ed25519' });
  assert.is(parseSecretRef('hunter2'), undefined);
  assert.is(parseSecretRef('env:1BAD'), undefined);
  assert.is(formatSecretRef({ kind: 'file', path: '/k' }), 'file:/k');
});

t('env: reads the variable; an unset one is SECRET_UNAVAILABLE', async () => {
  process.env.MAILTLS_TEST_SECRET = 's3cret-value';
  assert.is(await readSecret({ kind: 'env', name: 'MAILTLS_TEST_SECRET' }, '/'), 's3cret-value');
  delete process.env.MAILTLS_TEST_SECRET;
  try {
    await readSecret({ kind: 'env', name: 'MAILTLS_TEST_SECRET' }, '/');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, MailtlsError);
    assert.is((err as MailtlsError).problems[0]!.code, 'SECRET_UNAVAILABLE');
    assert.match((err as MailtlsError).message, 'env:MAILTLS_TEST_SECRET is not set');
  }
});

t('file: resolves relative paths against the inventory directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-secret-'));
  writeFileSync(join(dir, 'tsig.key'), 'c2VjcmV0');
  assert.is(await readSecret({ kind: 'file', path: 'tsig.key' }, dir), 'c2VjcmV0');
  assert.is(await readSecret({ kind: 'file', path: join(dir, 'tsig.key') }, '/elsewhere'), 'c2VjcmV0');
});

t('an unreadable file names the path, never the content', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-secret-'));
  const file = join(dir, 'k');
  writeFileSync(file, 'TOP-SECRET-MATERIAL');
  chmodSync(file, 0o000);
  for (const ref of [{ kind: 'file' as const, path: 'missing' }, { kind: 'file' as const, path: 'k' }]) {
    try {
      const v = await readSecret(ref, dir);
      // root can read a 0000 file; then there is nothing to check for that case
      assert.is(v, 'TOP-SECRET-MATERIAL');
    } catch (err) {
      const msg = (err as MailtlsError).message;
      assert.match(msg, `file:${ref.path}`);
      assert.not.match(msg, 'TOP-SECRET');
    }
  }
});

t.run();
