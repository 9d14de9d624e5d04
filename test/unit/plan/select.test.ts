import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { selectHosts } from '../../../src/plan/index.ts';
import type { Inventory } from '../../../src/inventory/types.ts';

const t = suite('host selection');
const inv = {
  hosts: [
    { name: 'mx1', services: [{}] },
    { name: 'mx2', services: [{}] },
    { name: 'npm', services: [] },
  ],
} as unknown as Inventory;

t('all hosts by default; nothing excluded', () => {
  const s = selectHosts(inv);
  assert.equal([...s.hosts], ['mx1', 'mx2', 'npm']);
  assert.equal(s.excluded, []);
});

t('--host keeps one; service hosts left out are reported, source hosts are not', () => {
  const s = selectHosts(inv, ['mx1']);
  assert.equal([...s.hosts], ['mx1']);
  assert.equal(s.excluded, ['mx2']);
});

t('--exclude and unknown names', () => {
  const s = selectHosts(inv, [], ['mx2', 'mx9']);
  assert.equal([...s.hosts], ['mx1', 'npm']);
  assert.equal(s.excluded, ['mx2']);
  assert.equal(s.unknown, ['mx9']);
});

t.run();
