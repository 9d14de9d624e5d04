// `mailtls plan` against the lab: empty as the lab starts; a same-key renewal at the npm source
// plans deploys (exit 2); a new key is refused by dane-gap (exit 4) with the exact TLSA record;
// a certificate on disk the daemon has not loaded yet plans only a reload; a key file 0644 only
// a mode fix; and plan itself changes nothing (every managed byte, mode and the zone serial).
// Each test puts the lab back exactly (source links, archive files, bytes, modes, reloads).
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource } from '../../lab/index.ts';
import { query } from '../../../src/probe/dns/index.ts';
import { probeEndpoint } from '../../../src/probe/tls/index.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { mailtls } from '../status/cli.ts';
import { env, rootInventory, writeLabInventory } from '../status/lab-inventory.ts';
import { selfSigned, snapshot } from '../status/lab-files.ts';

const t = suite('plan: lab');
const mx1 = env.hosts.mx1;
const npm = env.hosts.npm;
const managed = [mx1.services.postfix, mx1.services.dovecot, env.hosts.mx2.services.postfix].flatMap((s) => [s.cert, s.key]);

interface PlanJson {
  changes: Array<{ action: string; target: { host?: string; service?: string; services?: string[]; name?: string }; records?: Array<{ data: string }> }>;
  guards: Array<{ guard: string; blocks: boolean }>;
  summary: { changes: number; deploys: number; reloads: number; fix_perms: number; guards_blocking: number };
}

t.before(async () => {
  await labUp();
});

/** Source links and archive files as they are; `restore()` repoints the links and removes newer files. */
function sourceSnapshot(): { restore(): void } {
  const links = readdirSync(npm.live).filter((f) => f.endsWith('.pem')).map((f) => ({ link: join(npm.live, f), target: readlinkSync(join(npm.live, f)) }));
  const archived = new Set(readdirSync(npm.archive));
  return {
    restore() {
      for (const l of links) {
        const tmp = `${l.link}.restore-${process.pid}`;
        rmSync(tmp, { force: true });
        symlinkSync(l.target, tmp);
        renameSync(tmp, l.link);
      }
      for (const f of readdirSync(npm.archive)) if (!archived.has(f)) rmSync(join(npm.archive, f));
    },
  };
}

const planJson = (stdout: string) => JSON.parse(stdout) as PlanJson;
const lastLine = (s: string) => s.trimEnd().split('\n').pop() ?? '';

t('the lab as it starts: an empty plan, exit 0 with --detailed-exitcode', async () => {
  const r = await mailtls(['plan', '-f', rootInventory(), '--detailed-exitcode']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(lastLine(r.stdout), /^No changes\. Live state matches hosts\.yaml\.$/);
});

t('a same-key renewal at the source: deploys for every service using it, exit 2; saved plan renders with show', async () => {
  const src = sourceSnapshot();
  try {
    const renewed = await renewSource();
    assert.is(renewed.newKey, false);
    const inv = writeLabInventory();
    const out = join(mkdtempSync(join(tmpdir(), 'mailtls-plan-')), 'plan.json');
    const r = await mailtls(['plan', '-f', inv, '--detailed-exitcode', '--out', out]);
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.match(lastLine(r.stdout), /^Plan: 3 deploys, /);
    assert.match(r.stdout, new RegExp(`serial [0-9a-f]+ -> ${renewed.serial}`));
    const saved = readFileSync(out, 'utf8');
    assert.not.ok(containsPrivateKeyMaterial(saved), 'no key material in the saved plan');
    const p = planJson(saved);
    const deploys = p.changes.filter((c) => c.action === 'deploy').map((c) => `${c.target.host}/${c.target.service}`).sort();
    assert.equal(deploys, ['mx1/dovecot', 'mx1/postfix', 'mx2/postfix']);
    assert.ok(!p.changes.some((c) => c.action.startsWith('tlsa')), 'same key: no TLSA change');
    assert.is(p.summary.guards_blocking, 0);

    const shown = await mailtls(['show', out]);
    assert.is(shown.code, 0, shown.stderr);
    assert.is(shown.stdout, r.stdout, 'show renders the saved plan like plan did');
    appendFileSync(inv, '# edited after the plan\n');
    const stale = await mailtls(['show', out, '--format', 'json']);
    assert.is(stale.code, 0, 'show warns, does not fail');
    assert.match(stale.stderr, /warning PLAN_STALE inventory .* changed since the plan was made/);
    assert.equal(JSON.parse(stale.stdout).changes.length, p.changes.length);
  } finally {
    src.restore();
  }
});

t('a new key whose TLSA is not published: refused by dane-gap (exit 4), showing the exact record to publish', async () => {
  const src = sourceSnapshot();
  const summary = join(mkdtempSync(join(tmpdir(), 'mailtls-gh-')), 'summary.md');
  try {
    const renewed = await renewSource({ newKey: true });
    assert.is(renewed.newKey, true);
    const inv = writeLabInventory();
    const r = await mailtls(['plan', '-f', inv, '--detailed-exitcode'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.is(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /BLOCKS dane-gap/);
    for (const h of ['mx1', 'mx2']) assert.match(r.stdout, new RegExp(`\\+ _25\\._tcp\\.${h}\\.lab\\.test\\. IN TLSA 3 1 1 ${renewed.spkiSha256}`));
    assert.match(lastLine(r.stdout), /guards? block/);
    assert.match(r.stderr, /GUARD_DANE_GAP/);
    assert.match(r.stderr, /^::error.*GUARD_DANE_GAP/m, 'a GitHub annotation');
    assert.match(readFileSync(summary, 'utf8'), /### mailtls plan/);
    const j = await mailtls(['plan', '-f', inv, '--format', 'json', '--allow', 'dane-gap']);
    assert.is(j.code, 4, 'dane-gap is never allowable');
    const p = planJson(j.stdout);
    assert.ok(p.guards.some((g) => g.guard === 'dane-gap' && g.blocks));
    const pub = p.changes.filter((c) => c.action === 'tlsa-publish');
    assert.ok(pub.length >= 1 && pub.every((c) => c.records?.some((x) => x.data === renewed.spkiSha256)));
  } finally {
    src.restore();
  }
});

async function servedFingerprint(port: number, starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve'): Promise<string | undefined> {
  const r = await probeEndpoint({ host: 'mx1', service: 'x', address: mx1.address, port, sni: mx1.name, ...(starttls ? { starttls } : {}), timeoutMs: 5000 });
  return r.chain?.[0]?.fingerprint;
}

function certFingerprint(pem: Buffer): string {
  const b64 = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem.toString())![1]!.replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
}

async function reloadDovecotUntilServed(want: string): Promise<void> {
  const [cmd, ...args] = mx1.services.dovecot.reload;
  execFileSync(cmd!, args, { stdio: 'ignore' });
  const end = Date.now() + 20_000;
  while ((await servedFingerprint(993)) !== want) {
    if (Date.now() > end) throw new Error('Dovecot did not serve the expected certificate after reload');
    await new Promise((r) => setTimeout(r, 200));
  }
}

t('the disk already holds the desired certificate but Dovecot serves another: only a reload', async () => {
  const dv = mx1.services.dovecot;
  const snap = snapshot([dv.cert, dv.key]);
  const original = certFingerprint(readFileSync(dv.cert));
  try {
    const other = selfSigned(mx1.name);
    writeFileSync(dv.key, other.key);
    writeFileSync(dv.cert, other.cert);
    await reloadDovecotUntilServed(certFingerprint(other.cert));
    snap.restore(); // disk = desired again, the wire still serves `other`
    const r = await mailtls(['plan', '-f', writeLabInventory(), '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
    assert.is(r.code, 2, r.stderr);
    const p = planJson(r.stdout);
    assert.equal(p.changes.map((c) => c.action), ['reload'], JSON.stringify(p.changes.map((c) => [c.action, c.target])));
    assert.ok(p.changes[0]!.target.services?.includes('dovecot'));
    const text = await mailtls(['plan', '-f', writeLabInventory(), '--host', 'mx1']);
    assert.match(text.stdout, /PARTIAL PLAN: excluded: mx2/);
    assert.match(lastLine(text.stdout), /^Plan: 1 reload/);
  } finally {
    snap.restore();
    await reloadDovecotUntilServed(original);
  }
  assert.ok(snap.intact());
});

t('a key file with mode 0644: only a mode fix', async () => {
  const key = mx1.services.postfix.key;
  const mode = statSync(key).mode & 0o7777;
  try {
    chmodSync(key, 0o644);
    const r = await mailtls(['plan', '-f', writeLabInventory(), '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
    assert.is(r.code, 2, r.stderr);
    const p = planJson(r.stdout);
    assert.equal(p.changes.map((c) => `${c.action} ${c.target.service}`), ['fix-perms postfix']);
    assert.equal([p.summary.deploys, p.summary.reloads, p.summary.fix_perms], [0, 0, 1]);
    const text = await mailtls(['plan', '-f', writeLabInventory(), '--host', 'mx1']);
    assert.match(text.stdout, /mode 0644 -> 0600/);
  } finally {
    chmodSync(key, mode);
  }
});

function fingerprintWorld(): string {
  const files = [...managed, ...readdirSync(npm.archive).map((f) => join(npm.archive, f)), ...readdirSync(npm.live).map((f) => join(npm.live, f))];
  const dirs = [...new Set(managed.map((p) => p.replace(/\/[^/]+$/, ''))), npm.live, npm.archive, '/var/lib/mailtls'];
  const parts = files.map((p) => {
    const s = statSync(p);
    return `${p} ${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  });
  for (const d of dirs) parts.push(`${d}: ${existsSync(d) ? readdirSync(d).sort().join(',') : '-'}`);
  return parts.join('\n');
}

async function serials(): Promise<string> {
  const out: string[] = [];
  for (const ns of [env.dns.primary, env.dns.secondary]) {
    const r = await query({ server: `${ns.address}:${ns.port}`, name: env.dns.zone, type: 'SOA', recursion: false });
    const soa = r.answers.find((a) => a.type === 'SOA');
    out.push(`${ns.address} ${soa && soa.type === 'SOA' ? soa.data.serial : '?'}`);
  }
  return out.join(', ');
}

t('plan changes nothing: every managed file, the source, the directories and the zone serials are as before', async () => {
  const src = sourceSnapshot();
  try {
    // With pending changes (a same-key renewal), so plan has something it could be tempted to do.
    await renewSource();
    const inv = writeLabInventory();
    const out = join(mkdtempSync(join(tmpdir(), 'mailtls-plan-')), 'plan.json');
    // Other suites share the lab and may change it meanwhile: a round counts only when nobody
    // did; mailtls writing would show in every round.
    const rounds: string[] = [];
    for (let round = 0; round < 4; round++) {
      const before = fingerprintWorld();
      const serialsBefore = await serials();
      const runs = await Promise.all([
        mailtls(['plan', '-f', inv, '--out', out]),
        mailtls(['plan', '-f', inv, '--format', 'markdown']),
        mailtls(['status', '-f', inv]),
      ]);
      assert.equal(runs.map((x) => x.code), [0, 0, 0], runs.map((x) => x.stderr).join('\n'));
      const after = fingerprintWorld();
      const serialsAfter = await serials();
      if (after === before && serialsAfter === serialsBefore) return;
      rounds.push(`round ${round}: ${after === before ? '' : 'files changed; '}${serialsAfter === serialsBefore ? '' : `serials ${serialsBefore} -> ${serialsAfter}`}`);
    }
    assert.unreachable(`the lab changed around every plan run:\n${rounds.join('\n')}`);
  } finally {
    src.restore();
  }
});

t.run();
