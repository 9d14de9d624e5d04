// Certificate and key facts (identities only) from PEM, with node:crypto.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import type { KeyAlgorithm } from '../inventory/types.ts';
import type { CertFacts, KeyFacts } from '../state/types.ts';

export function sha256hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function algorithmOf(key: KeyObject): KeyAlgorithm {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return 'rsa';
  if (t === 'ec') return 'ecdsa';
  if (t === 'ed25519') return 'ed25519';
  throw new Error(`unsupported key type ${String(t)}`);
}

/** SHA-256 of the DER SubjectPublicKeyInfo: the `3 1 1` data. */
export function spkiOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256hex(pub.export({ type: 'spki', format: 'der' }));
}

function sanNames(x: X509Certificate): string[] {
  const san = x.subjectAltName ?? '';
  return san
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
}

export function certFactsOf(x: X509Certificate): CertFacts {
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    serial: x.serialNumber.toLowerCase(),
    names: sanNames(x),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    fingerprint: sha256hex(x.raw),
    spki: spkiOf(x.publicKey),
    keyAlgorithm: algorithmOf(x.publicKey),
    selfSigned: x.checkIssued(x),
  };
}

export function keyFactsOf(keyPem: string): KeyFacts {
  const k = createPrivateKey(keyPem);
  return { algorithm: algorithmOf(k), spki: spkiOf(k) };
}
