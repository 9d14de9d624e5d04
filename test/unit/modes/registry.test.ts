// The mode registry equals the folders under src/modes/, and every mode is complete.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modes, getMode } from '../../../src/modes/index.ts';

const root = join(import.meta.dirname, '../../../src/modes');
const t = suite('mode registry');

t('registry keys equal the mode folders', () => {
  const folders = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort();
  assert.equal(Object.keys(modes).sort(), folders);
});

t('each folder exports exactly the registered object under the mode name', async () => {
  for (const [name, mode] of Object.entries(modes)) {
    const mod = (await import(join(root, name, 'index.ts'))) as Record<string, unknown>;
    assert.equal(Object.keys(mod), [name], `${name}/index.ts exports one named object`);
    assert.is(mod[name], mode);
  }
});

t('every mode has its required members and sound defaults', () => {
  for (const [name, m] of Object.entries(modes)) {
    assert.is(m.name, name);
    assert.type(m.description, 'string');
    assert.ok(m.baseDir.startsWith('/'), `${name}: baseDir absolute`);
    assert.ok(m.maxKeys >= 1 && m.maxKeys <= m.algorithms.length, `${name}: maxKeys`);
    for (const alg of m.algorithms.slice(0, m.maxKeys)) {
      const f = m.defaultFiles(m.baseDir, [alg])[alg]!;
      assert.ok(f.cert.startsWith('/') && f.key.startsWith('/'), `${name}: default files absolute`);
    }
    assert.match(m.ownership.certMode, /^0[0-7]{3}$/);
    assert.match(m.ownership.keyMode, /^0[0-7]{3}$/);
    assert.not.ok(Number.parseInt(m.ownership.keyMode, 8) & 0o007, `${name}: key not world-accessible`);
    for (const argv of [...m.validate(m.baseDir), ...m.reload(m.baseDir)]) {
      assert.ok(Array.isArray(argv) && argv.length > 0 && argv.every((a) => typeof a === 'string'), `${name}: argv arrays`);
    }
    assert.ok(m.reload(m.baseDir).length > 0, `${name}: has a reload`);
    const ports = m.endpoints.map((e) => e.port);
    assert.is(new Set(ports).size, ports.length, `${name}: endpoint ports unique`);
  }
});

t('getMode does not find inherited properties', () => {
  assert.is(getMode('postfix'), modes.postfix);
  assert.is(getMode('toString'), undefined);
  assert.is(getMode('__proto__'), undefined);
});

t.run();
