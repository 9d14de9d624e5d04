import * as assert from 'uvu/assert';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { suite } from '../../helpers/suite.ts';
import { makePki, opensslSpkiSha256 } from './openssl-fixtures.ts';
import type { Pki } from './openssl-fixtures.ts';
import {
  tlsaData, tlsaRecord, tlsaMatches, formatTlsa, tlsaOwner, parseTlsaRdata, certFacts, spkiDer,
  EMPTY_SHA256, tlsaUnusableReason,
} from '../../../src/pki/index.ts';
import type { TlsaRecord } from '../../../src/state/types.ts';

interface Ctx { pki: Pki; leaf: X509Certificate; leafKeyPem: string; next: X509Certificate; int: X509Certificate; root: X509Certificate; leafPath: string }
const t = suite<Ctx>('pki TLSA', {} as Ctx);
t.before((ctx) => {
  ctx.pki = makePki();
  const l = ctx.pki.issue('mx1.lab.test', 'ec', ['mx1.lab.test']);
  ctx.leaf = new X509Certificate(l.certPem);
  ctx.leafKeyPem = l.keyPem;
  ctx.leafPath = l.certPath;
  ctx.next = new X509Certificate(ctx.pki.issue('mx1.lab.test', 'ec', ['mx1.lab.test']).certPem);
  ctx.int = new X509Certificate(ctx.pki.intermediate.certPem);
  ctx.root = new X509Certificate(ctx.pki.root.certPem);
});
t.after((ctx) => ctx.pki?.cleanup());

const rec = (s: string): TlsaRecord => parseTlsaRdata(s);

t('3 1 1 equals openssl SPKI sha256; 3 1 2, 3 0 1, 3 0 0, 2 1 1 computed from the right bytes', ({ leaf, leafPath, int, leafKeyPem }) => {
  assert.is(tlsaData(leaf, 1, 1), opensslSpkiSha256(leafPath));
  assert.is(tlsaData(createPrivateKey(leafKeyPem), 1, 1), opensslSpkiSha256(leafPath), 'from the key');
  assert.is(tlsaData(spkiDer(leaf), 1, 1), opensslSpkiSha256(leafPath), 'from DER SPKI');
  assert.is(tlsaData(leaf, 1, 2), createHash('sha512').update(spkiDer(leaf)).digest('hex'));
  const der = execFileSync('openssl', ['x509', '-in', leafPath, '-outform', 'DER']);
  assert.is(tlsaData(leaf, 0, 1), createHash('sha256').update(der).digest('hex'));
  assert.is(tlsaData(leaf, 0, 0), der.toString('hex'));
  assert.is(tlsaData(leaf, 0, 1), certFacts(leaf).fingerprint);
  assert.equal(tlsaRecord(int, 2, 1, 1), { usage: 2, selector: 1, matchingType: 1, data: certFacts(int).spki });
  assert.throws(() => tlsaData(spkiDer(leaf), 0, 1), /needs a certificate/);
  assert.throws(() => tlsaData(Buffer.alloc(0), 1, 1), /empty input/);
  assert.throws(() => tlsaData(leaf, 1, 3), /matching type/);
});

t('formatTlsa / tlsaOwner / parse', ({ leaf }) => {
  const r = tlsaRecord(leaf, 3, 1, 1);
  assert.is(formatTlsa(tlsaOwner(25, 'mx1.lab.test'), 3600, r), `_25._tcp.mx1.lab.test. 3600 IN TLSA 3 1 1 ${r.data}`);
  assert.is(formatTlsa('_25._tcp.mx1.lab.test', 300, r), `_25._tcp.mx1.lab.test. 300 IN TLSA 3 1 1 ${r.data}`);
  const spaced = `3 1 1 ${r.data.slice(0, 32).toUpperCase()} ${r.data.slice(32)}`;
  assert.equal(parseTlsaRdata(spaced), r);
  assert.throws(() => parseTlsaRdata('3 1 1'), /RDATA/);
});

t('DANE-EE: current + next both valid; only the served one matches', ({ leaf, next, int }) => {
  const rrset = [tlsaRecord(leaf, 3, 1, 1), tlsaRecord(next, 3, 1, 1)];
  const r = tlsaMatches(rrset, [leaf, int]);
  assert.ok(r.ok);
  assert.equal(r.matched, [{ record: rrset[0]!, depth: 0 }]);
  assert.ok(tlsaMatches(rrset, [next]).ok);
  assert.not.ok(tlsaMatches([rrset[1]!], [leaf, int]).ok);
  // 3 x x never matches an issuer
  assert.not.ok(tlsaMatches([tlsaRecord(int, 3, 1, 1)], [leaf, int]).ok);
});

t('same verdicts from CertFacts (what probes return) for sha256 records', ({ leaf, next, int }) => {
  const facts = [certFacts(leaf), certFacts(int)];
  assert.ok(tlsaMatches([tlsaRecord(leaf, 3, 1, 1)], facts).ok);
  assert.ok(tlsaMatches([tlsaRecord(leaf, 3, 0, 1)], facts).ok);
  assert.ok(tlsaMatches([tlsaRecord(int, 2, 1, 1)], facts).ok);
  assert.not.ok(tlsaMatches([tlsaRecord(next, 3, 1, 1)], facts).ok);
  const r = tlsaMatches([tlsaRecord(leaf, 3, 1, 2)], facts);
  assert.not.ok(r.ok);
  assert.match(r.notes.join(), /cannot be checked from certificate facts/);
});

t('DANE-TA: issuer in the served chain matches, leaf itself does not; broken chain and wrong name refused', ({ pki, leaf, int, root }) => {
  assert.ok(tlsaMatches([tlsaRecord(int, 2, 1, 1)], [leaf, int]).ok);
  assert.equal(tlsaMatches([tlsaRecord(root, 2, 0, 1)], [leaf, int, root]).matched[0]!.depth, 2);
  assert.not.ok(tlsaMatches([tlsaRecord(leaf, 2, 1, 1)], [leaf, int]).ok, '2 x x is never the leaf');
  assert.not.ok(tlsaMatches([tlsaRecord(root, 2, 1, 1)], [leaf, int]).ok, 'TA not served');
  const other = pki.selfSigned('other', 'ec', ['other.lab.test']);
  const stranger = new X509Certificate(other.certPem);
  const broken = tlsaMatches([tlsaRecord(stranger, 2, 1, 1)], [leaf, stranger]);
  assert.not.ok(broken.ok);
  assert.match(broken.notes.join(), /chain is broken/);
  const named = tlsaMatches([tlsaRecord(int, 2, 1, 1)], [leaf, int], { names: ['mx2.lab.test'] });
  assert.not.ok(named.ok);
  assert.match(named.notes.join(), /names none of mx2\.lab\.test/);
  assert.ok(tlsaMatches([tlsaRecord(int, 2, 1, 1)], [leaf, int], { names: ['mx2.lab.test', 'mx1.lab.test'] }).ok);
  const late = tlsaMatches([tlsaRecord(int, 2, 1, 1)], [leaf, int], { now: new Date(Date.now() + 400 * 86_400_000) });
  assert.match(late.notes.join(), /expired/);
  assert.not.ok(late.ok);
  // DANE-EE has no name or date checks
  assert.ok(tlsaMatches([tlsaRecord(leaf, 3, 1, 1)], [leaf], { names: ['nope.test'], now: new Date(Date.now() + 400 * 86_400_000) }).ok);
});

t('digest agility: 3 1 2 (old key) hides the matching 3 1 1', ({ leaf, next }) => {
  const r = tlsaMatches([tlsaRecord(leaf, 3, 1, 1), tlsaRecord(next, 3, 1, 2)], [leaf]);
  assert.not.ok(r.ok);
  assert.equal(r.considered.map((x) => x.matchingType), [2]);
  assert.match(r.ignored[0]!.reason, /stronger matching type \(2\)/);
  // other usage/selector combinations are independent
  assert.ok(tlsaMatches([tlsaRecord(leaf, 3, 0, 1), tlsaRecord(next, 3, 1, 2)], [leaf]).ok);
  // Full(0) is weaker than SHA-256
  assert.not.ok(tlsaMatches([tlsaRecord(leaf, 3, 1, 0), tlsaRecord(next, 3, 1, 1)], [leaf]).ok);
  assert.ok(tlsaMatches([tlsaRecord(leaf, 3, 1, 0)], [leaf]).ok);
});

t('unusable records are ignored with a reason, empty-input digests are flagged', ({ leaf }) => {
  const good = tlsaRecord(leaf, 3, 1, 1);
  const pkix = { ...good, usage: 1 };
  const short = rec('3 1 1 abcd');
  const weird = { ...good, matchingType: 9 };
  const empty = rec(`3 1 1 ${EMPTY_SHA256}`);
  const r = tlsaMatches([pkix, short, weird, empty], [leaf]);
  assert.not.ok(r.ok);
  assert.is(r.ignored.length, 3);
  assert.match(tlsaUnusableReason(pkix)!, /PKIX/);
  assert.match(tlsaUnusableReason(short)!, /2 bytes/);
  assert.match(r.notes.join(), /digest of empty input/);
  // an empty-input 3 1 1 sits next to the good one: still ok, still flagged
  const r2 = tlsaMatches([good, empty], [leaf]);
  assert.ok(r2.ok);
  assert.match(r2.notes.join(), /empty input/);
});

t.run();
