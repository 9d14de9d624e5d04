// `mailtls status` against the lab's real sshd, Postfix, Dovecot, Knot and unbound: the
// consistent picture (served SPKI = disk = TLSA, with AD) and connection-level failures as
// findings, never crashes: a changed host key (refused, nothing read), a wrong SSH identity, a
// port with no listener, an SMTP server that offers no STARTTLS. Nothing here changes the lab.
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labUp } from '../../lab/index.ts';
import { allFindings, mailtls, sha256File, statusJson } from './cli.ts';
import { env, hostKeyOf, rootInventory, writeLabInventory } from './lab-inventory.ts';

const t = suite('status: lab');
const mx1 = env.hosts.mx1;

t.before(async () => {
  await labUp();
});

t('status shows mx1 Postfix and Dovecot endpoints serving the disk SPKI, matching TLSA with AD; exit 0', async () => {
  const inv = rootInventory();
  const text = await mailtls(['status', '-f', inv, '--detailed-exitcode']);
  assert.is(text.code, 0, text.stdout + text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.match(lines[lines.length - 1] ?? '', /^Status: .* — consistent\.$/);
  assert.match(text.stdout, /_25\._tcp\.mx1\.lab\.test {2}AD {2}served keys match/);

  const json = await mailtls(['status', '-f', inv, '--format', 'json', '--host', 'mx1']);
  assert.is(json.code, 0, json.stderr);
  const s = statusJson(json.stdout);
  assert.is(s.format_version, '1.0');
  assert.is(s.hosts.length, 1);
  const host = s.hosts[0]!;
  assert.ok(host.reachable);
  assert.equal(host.services.map((x) => x.service).sort(), ['dovecot', 'postfix']);
  for (const svc of host.services) {
    const want = svc.service === 'postfix' ? mx1.services.postfix : mx1.services.dovecot;
    const set = svc.files[0]!;
    assert.is(set.cert.sha256, sha256File(want.cert), `${svc.service} cert sha256 = the file`);
    assert.is(set.key.mode, '0600');
    assert.ok(set.key_matches_cert);
    const diskSpki = set.cert.leaf?.spki;
    assert.is(set.key.key?.spki, diskSpki);
    assert.is(svc.endpoints.length, want.endpoints.length);
    for (const e of svc.endpoints) {
      assert.ok(e.ok, `${svc.service}:${e.port} answered`);
      assert.is(e.served?.spki, diskSpki, `${svc.service}:${e.port} serves the disk key`);
      assert.is(e.matches_disk, true);
      if (e.port === 25) assert.is(e.tlsa, 'match');
    }
  }
  const t25 = s.tlsa.find((x) => x.owner === `_25._tcp.${mx1.name}`);
  assert.ok(t25, 'TLSA of mx1 gathered');
  assert.is(t25!.dnssec, 'validated');
  assert.is(t25!.served_keys_match, true);
  assert.ok(t25!.records.some((r) => r === `3 1 1 ${host.services[0]!.files[0]!.cert.leaf?.spki}`));
  assert.is(t25!.authoritative.length, 2);
  assert.ok(t25!.authoritative.every((a) => a.state === 'current' && typeof a.serial === 'number'));
  // DNSSEC health: Knot's signatures are days away from expiry and mx1's A validates: no finding.
  assert.ok(t25!.rrsig_expires && Date.parse(t25!.rrsig_expires) > Date.now(), `rrsig_expires ${t25!.rrsig_expires}`);
  assert.ok(t25!.authoritative.every((a) => typeof a.rrsig_expires === 'string'), 'each authoritative answer carries its RRSIG');
  assert.is(t25!.host_addresses?.name, mx1.name);
  assert.is(t25!.host_addresses?.ad, true, JSON.stringify(t25!.host_addresses));
  assert.ok(t25!.host_addresses!.addresses.includes(mx1.address), JSON.stringify(t25!.host_addresses));
  assert.not.ok(allFindings(s).some((f) => f.code === 'LIVE_TLSA_RRSIG_EXPIRING' || f.code === 'LIVE_ADDRESS_NOT_VALIDATED'), JSON.stringify(allFindings(s)));
  assert.match(text.stdout, new RegExp(`DNSSEC RRSIG until \\S+ \\(\\d+ days\\) {2}${mx1.name.replace(/\./g, '\\.')} A/AAAA (?:\\S+, )*${mx1.address.replace(/\./g, '\\.')}(?:, \\S+)* AD`));
  assert.ok(s.summary.consistent);
});

t('a changed host key stops that host: refused before anything is read, the rest still gathered', async () => {
  const inv = writeLabInventory({ pin: { mx1: hostKeyOf(env.hosts.npm.address) } });
  const r = await mailtls(['status', '-f', inv, '--format', 'json', '--detailed-exitcode']);
  assert.is(r.code, 2, r.stderr);
  const s = statusJson(r.stdout);
  const h = s.hosts.find((x) => x.host === 'mx1')!;
  assert.is(h.reachable, false);
  assert.ok(h.problems.some((p) => p.code === 'SSH_HOST_KEY_MISMATCH'), JSON.stringify(h.problems));
  assert.ok(h.services.every((x) => x.files.length === 0), 'no file was read');
  assert.ok(s.hosts.find((x) => x.host === 'mx2')!.reachable, 'mx2 is still gathered');
  const text = await mailtls(['status', '-f', inv]);
  assert.is(text.code, 0, 'findings are not errors without --detailed-exitcode');
  assert.match(text.stdout, /mx1: error SSH_HOST_KEY_MISMATCH/);
  assert.match(text.stdout, /NOT consistent/);
});

t('a wrong SSH identity is an authentication finding for every host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-id-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wrong', '-f', join(dir, 'id')]);
  const inv = writeLabInventory({ identity: join(dir, 'id') });
  const r = await mailtls(['status', '-f', inv, '--format', 'json', '--detailed-exitcode']);
  assert.is(r.code, 2, r.stderr);
  const s = statusJson(r.stdout);
  for (const h of s.hosts) {
    assert.is(h.reachable, false, h.host);
    assert.ok(h.problems.some((p) => p.code === 'SSH_AUTH_FAILED'), JSON.stringify(h.problems));
  }
});

async function freePort(address: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, address, res));
  const port = (srv.address() as { port: number }).port;
  await new Promise((res) => srv.close(res));
  return port;
}

/** An SMTP peer that never offers STARTTLS (and refuses it when asked). */
async function plainSmtp(address: string): Promise<{ server: Server; port: number }> {
  const server = createServer((sock) => {
    sock.write('220 plain.lab.test ESMTP no TLS here\r\n');
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim().toUpperCase();
        buf = buf.slice(i + 1);
        if (line.startsWith('EHLO')) sock.write('250-plain.lab.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
        else if (line.startsWith('QUIT')) sock.end('221 bye\r\n');
        else sock.write('502 5.5.1 not implemented\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((res) => server.listen(0, address, res));
  return { server, port: (server.address() as { port: number }).port };
}

t('a port with no listener and an SMTP server without STARTTLS are findings; the other endpoints are fine', async () => {
  const closed = await freePort(mx1.address);
  const plain = await plainSmtp('127.0.40.1');
  try {
    const inv = writeLabInventory({
      endpoints: [
        { host: 'mx1', service: 'postfix', port: closed, starttls: 'smtp' },
        { host: 'mx1', service: 'postfix', port: plain.port, starttls: 'smtp', addresses: ['127.0.40.1'] },
      ],
    });
    const r = await mailtls(['status', '-f', inv, '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
    assert.is(r.code, 2, r.stderr);
    const s = statusJson(r.stdout);
    const pf = s.hosts[0]!.services.find((x) => x.service === 'postfix')!;
    assert.is(pf.endpoints.find((e) => e.port === closed)?.error?.code, 'refused');
    assert.is(pf.endpoints.find((e) => e.port === plain.port)?.error?.code, 'no-starttls');
    assert.ok(pf.endpoints.filter((e) => e.port !== closed && e.port !== plain.port).every((e) => e.ok && e.matches_disk));
    const codes = allFindings(s).map((f) => f.code);
    assert.ok(codes.includes('PROBE_REFUSED'), codes.join());
    assert.ok(codes.includes('PROBE_NO_STARTTLS'), codes.join());
    const text = await mailtls(['status', '-f', inv, '--host', 'mx1']);
    assert.match(text.stdout, new RegExp(`✗ ${mx1.address.replace(/\./g, '\\.')}:${closed} starttls=smtp {2}refused`));
  } finally {
    await new Promise((res) => plain.server.close(res));
  }
});

t('an unknown --host is an error (exit 1), not an empty report', async () => {
  const r = await mailtls(['status', '-f', rootInventory(), '--host', 'nope']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /UNKNOWN_HOST/);
});

t.run();
