// The main scenario with the real CLI (no TTY): the npm source renews with the same key →
// `plan --detailed-exitcode` 2 with deploys and reasons → `apply` refused without --auto-approve
// → `apply --auto-approve` 0: new bytes, modes, owners on mx1/mx2, the new leaf on every endpoint
// → plan 0 and a second apply that writes and reloads nothing. Then the restore apply with
// --format json (parsed, no key material). Every run ends with the lab at its baseline.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { assertServed, env, fileSerial, journalCount, lastLine, mailtls, managed, restoreLab, rootInventory, stats } from './helpers.ts';

const t = suite('cli apply: a same-key renewal, end to end');
const inv = rootInventory();

t.before(async () => {
  await labUp();
  await restoreLab();
});

t('renew → plan 2 → apply refused without a TTY → apply --auto-approve 0 → plan 0, apply does nothing', async () => {
  const before = stats();
  const oldSerial = fileSerial(managed[0]!.cert);
  try {
    const renewed = await renewSource();
    assert.is(renewed.newKey, false);
    assert.is(sourceVersion(), renewed.version);

    const plan = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
    assert.is(plan.code, 2, plan.stdout + plan.stderr);
    assert.match(lastLine(plan.stdout), /^Plan: 3 deploys, 2 reloads\.$/);
    for (const [h, svc] of [['mx1', 'postfix'], ['mx1', 'dovecot'], ['mx2', 'postfix']]) {
      const block = plan.stdout.split(/\n(?=mx\d\n)/).find((b) => b.startsWith(`${h}\n`)) ?? '';
      assert.match(block, new RegExp(`~ ${svc} \\(ecdsa\\) deploy`), `${h}/${svc} deploy listed`);
    }
    assert.match(plan.stdout, new RegExp(`because certificate on disk differs from source \\(serial ${oldSerial} -> ${renewed.serial}\\)`));

    const refused = await mailtls(['apply', '-f', inv]);
    assert.is(refused.code, 1, 'no TTY and no --auto-approve: refused');
    assert.match(refused.stderr, /error APPLY_NOT_CONFIRMED no terminal to ask on: pass --auto-approve/);
    assert.equal(stats(), before, 'refused: nothing written');

    const applied = await mailtls(['apply', '-f', inv, '--auto-approve']);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.is(lastLine(applied.stdout), 'Apply complete: 2 hosts applied, 0 rolled back, 0 failed.');
    assert.match(applied.stdout, /^(› )?mx1 \[mx1\/dovecot\+postfix\]: swap: /m, 'progress: one line per step, prefixed by the host');
    assert.match(applied.stdout, /^(› )?mx2 \[mx2\/postfix\]: verify: /m);
    assert.match(applied.stdout, /^ {2}mx1\/dovecot\+postfix: 2 files written; reloaded postfix, dovecot; 8\/8 endpoints serve the new certificate$/m);

    const after = stats();
    for (const s of managed) {
      assert.is(fileSerial(s.cert), renewed.serial, `${s.cert} holds the renewed certificate`);
      assert.is.not(after[s.cert]!.ino, before[s.cert]!.ino, `${s.cert} was replaced (rename)`);
      assert.is(after[s.key]!.mode, '0600', `${s.key} mode`);
      assert.is(after[s.cert]!.mode, before[s.cert]!.mode, `${s.cert} keeps its mode`);
      for (const p of [s.cert, s.key]) assert.equal([after[p]!.uid, after[p]!.gid], [0, 0], `${p} owned by root:root`);
      assert.equal(after[s.key], before[s.key], 'same key: the key file is not touched');
    }
    const source = readFileSync(`${env.hosts.npm.live}/fullchain.pem`);
    assert.ok(readFileSync(managed[0]!.cert).equals(source), 'the deployed file is the source fullchain, byte for byte');
    await assertServed(managed, renewed.serial, 'the renewed certificate');

    // The last-applied manifest (per-host state dir) is what status reports.
    const status = await mailtls(['status', '-f', inv, '--format', 'json']);
    const hosts = (JSON.parse(status.stdout) as { hosts: { host: string; last_applied?: { groups: { group: string; applied_at: string }[] } }[] }).hosts;
    for (const g of ['mx1/dovecot+postfix', 'mx2/postfix']) {
      const entry = hosts.flatMap((h) => h.last_applied?.groups ?? []).find((x) => x.group === g);
      assert.ok(entry && Date.parse(entry.applied_at) > Date.now() - 10 * 60_000, `status shows ${g} as just applied`);
    }

    const again = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
    assert.is(again.code, 0, again.stdout + again.stderr);
    const settled = stats();
    const journals = journalCount();
    const noop = await mailtls(['apply', '-f', inv, '--auto-approve']);
    assert.is(noop.code, 0, noop.stderr);
    assert.is(lastLine(noop.stdout), 'No changes. Nothing to apply.');
    assert.equal(stats(), settled, 'no write: same inodes, mtimes, modes');
    assert.is(journalCount(), journals, 'no run started (no lock, no reload)');
  } finally {
    if (sourceVersion() !== 1) await restoreSource(1);
  }

  // The restore apply, machine-readable: JSON only on stdout, progress on stderr.
  const restored = await mailtls(['apply', '-f', inv, '--auto-approve', '--allow', 'downgrade', '--format', 'json']);
  assert.is(restored.code, 0, restored.stderr);
  assert.not.ok(containsPrivateKeyMaterial(restored.stdout + restored.stderr));
  const r = JSON.parse(restored.stdout) as { format_version: string; exit_code: number; summary: Record<string, number>; hosts: { host: string; outcome: string; groups: { files: { path: string; sha256: string; mode: string }[] }[] }[]; plan_hash: string };
  assert.is(r.format_version, '1.0');
  assert.is(r.exit_code, 0);
  assert.equal(r.summary.applied, 2);
  assert.equal(r.hosts.map((h) => `${h.host}:${h.outcome}`).sort(), ['mx1:applied', 'mx2:applied']);
  assert.match(r.plan_hash, /^[0-9a-f]{64}$/);
  assert.match(restored.stderr, /^(› )?mx1 \[mx1\/dovecot\+postfix\]: reload: /m, 'progress lines go to stderr with --format json');
  assert.is(fileSerial(managed[0]!.cert), oldSerial);
  await assertServed(managed, oldSerial, 'the baseline certificate again');
  await restoreLab();
});

t.run();
