// The bad-input corpus: every test/corpus/NN-name.yaml must produce exactly the lines of its
// NN-name.expected (file:line:col severity CODE message), no more, no fewer.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkInventorySource } from '../../../src/inventory/index.ts';
import { formatProblem } from '../../../src/errors/problem.ts';

const dir = join(import.meta.dirname, '../../corpus');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const t = suite('inventory corpus');

t('the corpus has at least 40 malformed inventories, each with its expected output', () => {
  assert.ok(files.length >= 40, `only ${files.length} corpus files`);
  for (const f of files) assert.ok(existsSync(join(dir, f.replace(/\.yaml$/, '.expected'))), `${f} has no .expected file`);
});

for (const f of files) {
  t(f, () => {
    const text = readFileSync(join(dir, f), 'utf8');
    const expected = readFileSync(join(dir, f.replace(/\.yaml$/, '.expected')), 'utf8').trimEnd().split('\n');
    const { inventory, problems } = checkInventorySource(text, f, { baseDir: dir });
    assert.equal(problems.map(formatProblem), expected);
    // Every corpus file is invalid unless it only shows warnings.
    const hasError = expected.some((l) => / error /.test(l));
    assert.is(inventory === undefined, hasError);
  });
}

t.run();
