import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { updateScript } from '../../../src/dns/rfc2136/script.ts';
import { validateChanges } from '../../../src/dns/rfc2136/validate.ts';
import { parseTsigSecret, checkTsigKey } from '../../../src/dns/rfc2136/tsig.ts';
import { classify } from '../../../src/dns/rfc2136/outcome.ts';
import { redact, toolArgv, type RunOutput } from '../../../src/dns/rfc2136/runner.ts';
import { rfc2136 } from '../../../src/dns/rfc2136/index.ts';
import type { RR } from '../../../src/dns/types.ts';
import type { Zone } from '../../../src/inventory/types.ts';

const t = suite('rfc2136 provider (pure parts)');
const SECRET = randomBytes(32).toString('base64');
const tlsa = (hex: string, name = '_25._tcp.mx1.lab.test'): RR => ({ name, ttl: 300, type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, data: hex } });
const A = 'AA'.repeat(32);
const B = 'bb'.repeat(32);

t('the script adds before it deletes single records, and names the server and zone', () => {
  const s = updateScript({
    server: { host: '127.0.20.1', port: 53 },
    zone: 'lab.test',
    tsig: { algorithm: 'hmac-sha256', name: 'mailtls-lab-key', secret: SECRET },
    add: [tlsa(A), { name: '_acme-challenge.mx1.lab.test', ttl: 60, type: 'TXT', data: ['to"k\\en'] }],
    remove: [tlsa(B)],
  });
  assert.is(
    s,
    [
      'server 127.0.20.1 53',
      'zone lab.test.',
      `key hmac-sha256:mailtls-lab-key ${SECRET}`,
      `update add _25._tcp.mx1.lab.test. 300 IN TLSA 3 1 1 ${A.toLowerCase()}`,
      'update add _acme-challenge.mx1.lab.test. 60 IN TXT "to\\"k\\\\en"',
      `update delete _25._tcp.mx1.lab.test. IN TLSA 3 1 1 ${B}`,
      'send',
      'answer',
      'quit',
      '',
    ].join('\n'),
  );
  // never a whole-RRset delete
  assert.not.match(s, /update delete \S+ IN TLSA\n/);
});

t('changes are validated before anything is sent', () => {
  assert.equal(validateChanges('lab.test', { add: [tlsa(A)], remove: [tlsa(B)] }), []);
  const errs = validateChanges('lab.test', {
    add: [
      tlsa(A, 'mx1.other.test'),
      tlsa('abc'),
      tlsa('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
      tlsa(A, 'x.lab.test\nupdate delete lab.test.'),
      { name: 'x.lab.test', ttl: 60, type: 'TXT', data: ['a\nb'] },
    ],
    remove: [],
  });
  assert.is(errs.length, 5);
  assert.match(errs[0]!, /outside zone lab.test/);
  assert.match(errs[1]!, /not hex/);
  assert.match(errs[2]!, /SHA-256 of empty input/);
  assert.match(errs[3]!, /not a plain domain name/);
  assert.match(errs[4]!, /control characters/);
  assert.match(validateChanges('lab.test', { add: [tlsa(A)], remove: [tlsa(A.toLowerCase())] })[0]!, /both added and removed/);
});

t('the TSIG secret is found in a bare, knsupdate or BIND file; errors never echo the content', () => {
  assert.is(parseTsigSecret(`${SECRET}\n`), SECRET);
  assert.is(parseTsigSecret(`hmac-sha256:mailtls-lab-key:${SECRET}\n`), SECRET);
  assert.is(parseTsigSecret(`key "k" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`), SECRET);
  const notSecret = 'this is not base64 but a private thing';
  try {
    parseTsigSecret(notSecret);
    assert.unreachable();
  } catch (e) {
    assert.not.match((e as Error).message, notSecret);
  }
  assert.is(checkTsigKey({ name: 'k', algorithm: 'HMAC-SHA256', secret: { kind: 'env', name: 'X' } }), undefined);
  assert.match(checkTsigKey({ name: 'k', algorithm: 'gss-tsig', secret: { kind: 'env', name: 'X' } })!, /unsupported/);
  assert.match(checkTsigKey({ name: 'k k', algorithm: 'hmac-sha256', secret: { kind: 'env', name: 'X' } })!, /not a plain/);
});

// Transcripts captured from knsupdate 3.2 and nsupdate 9.18 against Knot 3.2.
const run = (tool: RunOutput['tool'], code: number, output: string): RunOutput => ({ tool, code, timedOut: false, output });
t('tool output is classified: ok, TSIG rejected, refused, timeout, unreachable', () => {
  assert.is(classify(run('knsupdate', 0, 'Answer:\n;; ->>HEADER<<- opcode: UPDATE; status: NOERROR; id: 38041\n')).kind, 'ok');
  const badsig = classify(run('knsupdate', 1, ';; ->>HEADER<<- opcode: UPDATE; status: BADSIG; id: 29997\nk1. 0 ANY TSIG hmac-sha256. 1795308633 300 0 29997 BADSIG 0\n;; ERROR: reply verification (failed to verify TSIG)\n'));
  assert.equal([badsig.kind, badsig.rcode, badsig.tsigError], ['tsig', 'BADSIG', 'BADSIG']);
  assert.is(classify(run('nsupdate', 2, ';; ->>HEADER<<- opcode: UPDATE, status: NOTAUTH, id:  49027\nk1. 0 ANY TSIG hmac-sha256. 1795308642 300 0 49027 BADSIG 0\nupdate failed: NOTAUTH(BADSIG)\n')).kind, 'tsig');
  assert.is(classify(run('knsupdate', 1, ';; ->>HEADER<<- opcode: UPDATE; status: BADKEY; id: 1\n')).kind, 'tsig');
  assert.is(classify(run('knsupdate', 1, ';; ERROR: invalid key specification\n')).kind, 'tsig');
  const refused = classify(run('knsupdate', 1, ';; ->>HEADER<<- opcode: UPDATE; status: NOTAUTH; id: 55534\n;; ERROR: reply verification (expected a TSIG or SIG(0))\n'));
  assert.equal([refused.kind, refused.rcode], ['refused', 'NOTAUTH']);
  assert.is(classify(run('knsupdate', 1, ';; ->>HEADER<<- opcode: UPDATE; status: REFUSED; id: 5\n')).kind, 'refused');
  const to = classify(run('knsupdate', 1, ';; WARNING: response timeout for 127.0.99.9@5353(UDP)\n;; WARNING: response timeout for 127.0.99.9@5353(UDP)\n'));
  assert.equal([to.kind, to.detail], ['timeout', 'WARNING: response timeout for 127.0.99.9@5353(UDP)']);
  assert.is(classify(run('nsupdate', 2, '; Communication with 127.0.99.9#5353 failed: connection refused\n')).kind, 'unreachable');
  assert.is(classify({ tool: 'knsupdate', code: null, timedOut: true, output: '' }).kind, 'timeout');
});

t('the tools get only a timeout in argv: no -y, no key file, no secret', () => {
  assert.equal(toolArgv('knsupdate', 15), ['knsupdate', '-t', '15']);
  assert.equal(toolArgv('nsupdate', 0.2), ['nsupdate', '-t', '1']);
});

t('redact blanks every occurrence of the secret', () => {
  assert.is(redact(`a ${SECRET} b ${SECRET}`, SECRET), 'a [secret] b [secret]');
  assert.is(redact('plain', undefined), 'plain');
});

t('publish refuses invalid changes and unreadable secrets before running anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-tsig-'));
  try {
    const zone: Zone = { name: 'lab.test', provider: 'rfc2136', primary: '127.0.0.1:9', authoritative: [], loc: { file: 'hosts.yaml', line: 1, column: 1 }, tsig: { name: 'k', algorithm: 'hmac-sha256', secret: { kind: 'file', path: join(dir, 'missing') } } };
    const bad = await rfc2136.publish(zone, { add: [tlsa(A, 'mx.other.test')], remove: [] }, {});
    assert.equal([bad.ok, bad.problems.map((p) => p.code)], [false, ['DNS_CHANGE_INVALID']]);
    const missing = await rfc2136.publish(zone, { add: [tlsa(A)], remove: [] }, {});
    assert.equal(missing.problems.map((p) => p.code), ['DNS_TSIG_SECRET']);
    assert.match(missing.problems[0]!.message, /TSIG key k of zone lab.test: secret file:.*missing does not exist/);
    writeFileSync(join(dir, 'garbage'), 'hunter2 is my password', { mode: 0o600 });
    const garbage = await rfc2136.publish({ ...zone, tsig: { ...zone.tsig!, secret: { kind: 'file', path: join(dir, 'garbage') } } }, { add: [tlsa(A)], remove: [] }, {});
    assert.equal(garbage.problems.map((p) => p.code), ['DNS_TSIG_SECRET']);
    assert.not.match(JSON.stringify(garbage), 'hunter2');
    assert.match(garbage.problems[0]!.message, /does not hold a base64 TSIG secret/);
    const nothing = await rfc2136.publish(zone, { add: [], remove: [] }, {});
    assert.equal(nothing, { ok: true, problems: [], lagging: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.run();
