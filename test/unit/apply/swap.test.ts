// The swap itself: a concurrent reader never sees a torn, empty or missing file; symlinked
// targets are written through (Let's Encrypt live/ → archive/) or replaced (mailcow), and
// both are restored exactly on rollback.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { makeCa } from './helpers/pki.ts';
import { fullchain, makeFixture } from './helpers/fixture.ts';

const t = suite('apply/swap');
const ca = makeCa();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const READER = `
const fs = require('node:fs'); const crypto = require('node:crypto');
const [path, a, b, stop] = process.argv.slice(1);
const counts = { a: 0, b: 0, other: 0, missing: 0 };
while (!fs.existsSync(stop)) {
  let buf;
  try { buf = fs.readFileSync(path); } catch { counts.missing++; continue; }
  const h = crypto.createHash('sha256').update(buf).digest('hex');
  if (h === a) counts.a++; else if (h === b) counts.b++; else counts.other++;
}
process.stdout.write(JSON.stringify(counts));
`;

t('a concurrent reader sees only the whole old or the whole new file during swaps', async () => {
  const f = await makeFixture({ ca });
  try {
    const stop = join(f.dir, 'stop');
    const [a, b] = [sha(fullchain(f.old)), sha(fullchain(f.next))];
    const reader = spawn(process.execPath, ['-e', READER, f.certPath, a, b, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout!.on('data', (d) => (out += d));
    const done = new Promise((r) => reader.once('exit', r));
    for (let i = 0; i < 12; i++) {
      const r = await deployGroup(f.request(i % 2 ? f.old : f.next, { verify: [] }), await f.deps(`run-swap-${i}`));
      assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    }
    writeFileSync(stop, '');
    await done;
    const counts = JSON.parse(out) as Record<string, number>;
    assert.is(counts.other, 0, `torn reads: ${out}`);
    assert.is(counts.missing, 0, `missing file seen: ${out}`);
    assert.ok(counts.a! > 0 && counts.b! > 0, out);
  } finally {
    await f.close();
  }
});

async function linkedFixture() {
  const f = await makeFixture({ ca });
  const archive = join(dirname(f.certPath), 'archive');
  mkdirSync(archive);
  const real = join(archive, 'fullchain1.pem');
  renameSync(f.certPath, real);
  symlinkSync('archive/fullchain1.pem', f.certPath);
  return { f, real };
}

t('a symlinked target is written through by default; rollback restores the link target', async () => {
  const { f, real } = await linkedFixture();
  try {
    const r = await deployGroup(f.request(f.next), await f.deps('run-through'));
    assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    assert.ok(lstatSync(f.certPath).isSymbolicLink());
    assert.is(readlinkSync(f.certPath), 'archive/fullchain1.pem');
    assert.equal(readFileSync(real), fullchain(f.next));
    assert.is(r.files[0]!.effectivePath, real);
    const back = await deployGroup(f.request(f.old), await f.deps('run-through-back'));
    assert.is(back.outcome, 'applied');
    const failing = f.request(f.next);
    failing.services[0]!.validate = [['false']];
    const fail = await deployGroup(failing, await f.deps('run-through-fail'));
    assert.is(fail.outcome, 'rolled-back');
    assert.ok(lstatSync(f.certPath).isSymbolicLink());
    assert.equal(readFileSync(real), fullchain(f.old));
    assert.equal(f.leftovers(), []);
  } finally {
    await f.close();
  }
});

t('replaceSymlinks: the link becomes a real file (link target untouched); rollback puts the link back', async () => {
  const { f, real } = await linkedFixture();
  try {
    const failing = f.request(f.next);
    failing.files[0]!.replaceSymlink = true;
    failing.services[0]!.validate = [['false']];
    const r1 = await deployGroup(failing, await f.deps('run-replace-fail'));
    assert.is(r1.outcome, 'rolled-back', JSON.stringify(r1.problems));
    assert.ok(lstatSync(f.certPath).isSymbolicLink(), 'the link is back');
    assert.is(readlinkSync(f.certPath), 'archive/fullchain1.pem');
    assert.equal(f.leftovers(), []);

    const req = f.request(f.next);
    req.files[0]!.replaceSymlink = true;
    const r = await deployGroup(req, await f.deps('run-replace'));
    assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    assert.ok(lstatSync(f.certPath).isFile());
    assert.equal(readFileSync(f.certPath), fullchain(f.next));
    assert.equal(readFileSync(real), fullchain(f.old), 'the old link target is untouched');
    assert.equal(f.leftovers(), []);
  } finally {
    await f.close();
  }
});

t.run();
