// `mailtls apply` on a terminal (a pseudo-terminal from util-linux `script`): it shows the plan
// and asks; anything but `yes` cancels (exit 1, nothing written); `yes` applies with the listr2
// view. The lab is put back at the end.
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { fileSerial, managed, restoreLab, rootInventory, stats } from './helpers.ts';

const t = suite('cli apply: on a terminal');
const inv = rootInventory();

/** Runs the CLI on a pty, typing `answer` (buffered by the terminal until the prompt reads it). */
function onTerminal(args: string[], answer: string): Promise<{ code: number; out: string }> {
  const cmd = ['node', 'bin/mailtls.js', ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (containsPrivateKeyMaterial(out)) reject(new Error('key material on the terminal'));
      else resolve({ code: code ?? 1, out });
    });
    // Type once the prompt is there (a pty may drop input typed long before anyone reads it).
    const timer = setInterval(() => {
      if (out.includes("Only 'yes' will be accepted:")) {
        clearInterval(timer);
        child.stdin.write(`${answer}\n`);
      }
    }, 100);
    child.on('close', () => clearInterval(timer));
  });
}

t.before(async () => {
  await labUp();
  await restoreLab();
});

t("asks; 'no' cancels with nothing written; 'yes' applies", async () => {
  try {
    const renewed = await renewSource();
    const before = stats();
    const no = await onTerminal(['apply', '-f', inv], 'no');
    assert.is(no.code, 1, no.out);
    assert.match(no.out, /Plan: 3 deploys, 2 reloads\./);
    assert.match(no.out, /Apply these changes\? Only 'yes' will be accepted:/);
    assert.match(no.out, /Apply cancelled\./);
    assert.equal(stats(), before, 'cancelled: nothing written');

    const yes = await onTerminal(['apply', '-f', inv], 'yes');
    assert.is(yes.code, 0, yes.out);
    assert.match(yes.out, /mx1: applied/);
    assert.match(yes.out, /Apply complete: 2 hosts applied, 0 rolled back, 0 failed\./);
    for (const s of managed) assert.is(fileSerial(s.cert), renewed.serial);
  } finally {
    if (sourceVersion() !== 1) await restoreSource(1);
  }
  await restoreLab();
});

t.run();
