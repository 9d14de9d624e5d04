// The safety rules for records mailtls publishes (dane.md §(a) 5): PKIX usages on port 25,
// digest lengths, the digest of empty input, Full(0); and the parameters mailtls can compute.
import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { paramsUnsupported, recordRefusals, MAX_TLSA_RRSET } from '../../../src/plan/tlsa-rules.ts';
import { EMPTY_SHA256, EMPTY_SHA512 } from '../../../src/pki/index.ts';
import { rec, spki } from './fixture.ts';

const t = suite('tlsa: safety rules');

t('a real 3 1 1 SPKI SHA-256 passes', () => {
  assert.equal(recordRefusals(rec(spki()), 25), []);
  assert.equal(recordRefusals(rec(spki(), 2), 25), [], 'DANE-TA is allowed');
});

t('usage 0 and 1 are refused on port 25 with the RFC, and elsewhere too', () => {
  for (const u of [0, 1]) {
    assert.match(recordRefusals(rec(spki(), u), 25).join(), /PKIX\) on port 25: SMTP senders treat it as unusable \(RFC 7672/);
    assert.match(recordRefusals(rec(spki(), u), 443).join(), /not a DANE usage mailtls publishes/);
  }
  assert.match(recordRefusals(rec(spki(), 4), 25).join(), /unknown usage 4/);
});

t('wrong digest length, not hex, Full(0), unknown selector', () => {
  assert.match(recordRefusals(rec(spki().slice(0, 62)), 25).join(), /62 hex digits, matching type 1 needs 64/);
  assert.match(recordRefusals(rec(spki(), 3, 1, 2), 25).join(), /64 hex digits, matching type 2 needs 128/);
  assert.match(recordRefusals(rec('zz'.repeat(32)), 25).join(), /not hex/);
  assert.match(recordRefusals(rec('ab'.repeat(40), 3, 1, 0), 25).join(), /Full\(0\) records break on every renewal/);
  assert.match(recordRefusals(rec(spki(), 3, 2, 1), 25).join(), /unknown selector 2/);
});

t('the digest of empty input is refused (a broken key extraction)', () => {
  assert.match(recordRefusals(rec(EMPTY_SHA256), 25).join(), /digest of empty input/);
  assert.match(recordRefusals(rec(EMPTY_SHA256.toUpperCase()), 25).join(), /digest of empty input/);
  assert.match(recordRefusals(rec(EMPTY_SHA512, 3, 1, 2), 25).join(), /digest of empty input/);
});

t('mailtls computes 3 1 1 only; the RRset limit is 12', () => {
  assert.is(paramsUnsupported({ usage: 3, selector: 1, matchingType: 1 }), undefined);
  assert.match(paramsUnsupported({ usage: 2, selector: 1, matchingType: 1 }) ?? '', /asks for 2 1 1 records; mailtls computes only 3 1 1/);
  assert.match(paramsUnsupported({ usage: 3, selector: 0, matchingType: 1 }) ?? '', /3 0 1/);
  assert.is(MAX_TLSA_RRSET, 12);
});

t.run();
