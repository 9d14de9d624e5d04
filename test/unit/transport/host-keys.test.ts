// Pinned host-key lines → raw blobs and OpenSSH fingerprints, checked against real keys made by
// ssh-keygen and against ssh-keygen's own fingerprint output.
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { blobType, fingerprint, hostKeyAlgorithms, matchesPin, parsePinnedKey } from '../../../src/transport/ssh/host-keys.ts';
import { hostKeyError } from '../../../src/transport/ssh/classify.ts';

const t = suite('transport: pinned host keys');
const dir = mkdtempSync(join(tmpdir(), 'mailtls-hostkeys-'));
const KINDS: [string, string[]][] = [
  ['ed25519', ['-t', 'ed25519']],
  ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
  ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
  ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
  ['rsa', ['-t', 'rsa', '-b', '2048']],
];
const pub: Record<string, string> = {};
const sshKeygenFp: Record<string, string> = {};
for (const [name, args] of KINDS) {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', `test@${name}`, '-f', f]);
  pub[name] = readFileSync(`${f}.pub`, 'utf8').trim();
  // "256 SHA256:abc… comment (ED25519)"
  sshKeygenFp[name] = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${f}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
}

t.after(() => rmSync(dir, { recursive: true, force: true }));

t('fingerprints equal ssh-keygen -l -E sha256 for every key type', () => {
  for (const [name] of KINDS) {
    const k = parsePinnedKey(pub[name]!);
    assert.is(k.fingerprint, sshKeygenFp[name], name);
    assert.is(fingerprint(k.blob), sshKeygenFp[name]);
    assert.ok(!k.fingerprint.endsWith('='), 'unpadded base64');
  }
});

t('the blob is the base64 field decoded, and its type matches the line', () => {
  const line = pub.ed25519!;
  const k = parsePinnedKey(line);
  assert.is(k.type, 'ssh-ed25519');
  assert.equal(k.blob, Buffer.from(line.split(' ')[1]!, 'base64'));
  assert.is(blobType(k.blob), 'ssh-ed25519');
  assert.is(parsePinnedKey(pub.rsa!).type, 'ssh-rsa');
  assert.is(parsePinnedKey(pub.ecdsa384!).type, 'ecdsa-sha2-nistp384');
});

t('comment and surrounding blanks are ignored', () => {
  const [type, b64] = pub.ed25519!.split(' ');
  assert.equal(parsePinnedKey(`  ${type}   ${b64}  some comment here `).blob, parsePinnedKey(pub.ed25519!).blob);
});

t('bad lines are refused with a reason, never half-parsed', () => {
  const [, edB64] = pub.ed25519!.split(' ');
  const [, rsaB64] = pub.rsa!.split(' ');
  assert.throws(() => parsePinnedKey(''), /not "type base64"/);
  assert.throws(() => parsePinnedKey('ssh-ed25519'), /not "type base64"/);
  assert.throws(() => parsePinnedKey(`ssh-dss ${edB64}`), /not supported/);
  assert.throws(() => parsePinnedKey('ssh-ed25519 not*base64'), /not base64/);
  assert.throws(() => parsePinnedKey(`ssh-rsa ${edB64}`), /blob holds ssh-ed25519/);
  assert.throws(() => parsePinnedKey(`ssh-ed25519 ${rsaB64}`), /blob holds ssh-rsa/);
  // A truncated ed25519 blob: right type prefix, too few key bytes.
  const cut = Buffer.from(edB64!, 'base64').subarray(0, 30).toString('base64');
  assert.throws(() => parsePinnedKey(`ssh-ed25519 ${cut}`), /malformed/);
  // A hostname in front (a known_hosts line) is not a pinned-key line.
  assert.throws(() => parsePinnedKey(`mx1.example.org ${pub.ed25519}`), /not supported/);
});

t('server host key algorithms: only pinned types; ssh-rsa means the SHA-2 signatures', () => {
  const ed = parsePinnedKey(pub.ed25519!);
  const rsa = parsePinnedKey(pub.rsa!);
  const ec = parsePinnedKey(pub.ecdsa256!);
  assert.equal(hostKeyAlgorithms([ed]), ['ssh-ed25519']);
  assert.equal(hostKeyAlgorithms([rsa]), ['rsa-sha2-512', 'rsa-sha2-256']);
  assert.equal(hostKeyAlgorithms([rsa, ec, ed, ed]), ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256']);
});

t('a pin matches only its exact blob', () => {
  const ed = parsePinnedKey(pub.ed25519!);
  const rsa = parsePinnedKey(pub.rsa!);
  assert.ok(matchesPin(Buffer.from(ed.blob), [rsa, ed]));
  assert.not.ok(matchesPin(rsa.blob, [ed]));
  assert.not.ok(matchesPin(Buffer.alloc(0), []));
});

t('host key errors name the host and both fingerprints', () => {
  const ed = parsePinnedKey(pub.ed25519!);
  const other = parsePinnedKey(pub.ecdsa256!);
  const mismatch = hostKeyError({ host: 'mx1', target: '127.0.10.1:22', pins: [ed], offered: other.blob, rejected: true });
  assert.is(mismatch.code, 'SSH_HOST_KEY_MISMATCH');
  assert.match(mismatch.message, /^mx1 \(127\.0\.10\.1:22\): host key changed/);
  assert.ok(mismatch.message.includes(`offered ecdsa-sha2-nistp256 ${other.fingerprint}`));
  assert.ok(mismatch.message.includes(`expected ssh-ed25519 ${ed.fingerprint}`));
  assert.match(mismatch.message, /nothing read or written/);
  const unknown = hostKeyError({ host: 'mx2', target: '127.0.10.2:22', pins: [], offered: ed.blob, rejected: true });
  assert.is(unknown.code, 'SSH_HOST_KEY_UNKNOWN');
  assert.ok(unknown.message.includes(ed.fingerprint));
  assert.is(unknown.toProblem().code, 'SSH_HOST_KEY_UNKNOWN');
  assert.equal(unknown.toProblem().where, { host: 'mx2' });
});

t.run();
