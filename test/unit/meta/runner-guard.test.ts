import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';

const t = suite('runner guard');
t('counts this test as declared and ran', () => {
  assert.ok(true);
});
t.run();
