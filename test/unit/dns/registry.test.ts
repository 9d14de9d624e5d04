import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dnsProvider, dnsProviders } from '../../../src/dns/index.ts';

const t = suite('dns provider registry');
const root = join(import.meta.dirname, '../../../src/dns');

t('registry keys equal the plugin folders, and each plugin knows its name', () => {
  const folders = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort();
  assert.equal(Object.keys(dnsProviders).sort(), folders);
  for (const [key, p] of Object.entries(dnsProviders)) {
    assert.is(p.name, key);
    assert.type(p.publish, 'function');
    for (const v of Object.values(p.capabilities)) assert.type(v, 'boolean');
  }
});

t('lookup by name, unknown names and prototype keys give undefined', () => {
  assert.is(dnsProvider('rfc2136')?.name, 'rfc2136');
  assert.is(dnsProvider('route53'), undefined);
  assert.is(dnsProvider('toString'), undefined);
});

t.run();
