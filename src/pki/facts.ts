// Identity facts of certificates and keys: what the tool shows and compares, never the material.
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { KeyAlgorithm } from '../inventory/types.ts';
import type { CertFacts, KeyFacts } from '../state/types.ts';
import { sanNames } from './names.ts';
import { spkiFromCertDer } from './der.ts';

export function sha256Hex(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** DER SubjectPublicKeyInfo of a certificate (as it carries it) or of a (public or private) key. */
export function spkiDer(source: X509Certificate | KeyObject): Buffer {
  if ('raw' in source) {
    try {
      return spkiFromCertDer(source.raw);
    } catch {
      return source.publicKey.export({ type: 'spki', format: 'der' });
    }
  }
  const pub = source.type === 'public' ? source : createPublicKey(source);
  return pub.export({ type: 'spki', format: 'der' });
}

/** SHA-256 of the DER SubjectPublicKeyInfo, hex: the `3 1 1` data. */
export function spkiSha256(source: X509Certificate | KeyObject): string {
  return sha256Hex(spkiDer(source));
}

export class UnsupportedKeyError extends Error {
  constructor(type: string | undefined) {
    super(`unsupported key type ${type ?? 'unknown'} (supported: rsa, ecdsa, ed25519)`);
    this.name = 'UnsupportedKeyError';
  }
}

export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return 'rsa';
  if (t === 'ec') return 'ecdsa';
  if (t === 'ed25519') return 'ed25519';
  throw new UnsupportedKeyError(t);
}

/** Distinguished name on one line, in the order the certificate lists it. */
function oneLineDn(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && safeVerify(cert, cert);
}

/** `child` is signed by `issuer`'s key (false instead of throwing on odd keys). */
export function safeVerify(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function certFacts(cert: X509Certificate): CertFacts {
  return {
    subject: oneLineDn(cert.subject),
    issuer: oneLineDn(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    names: sanNames(cert),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprint: sha256Hex(cert.raw),
    spki: spkiSha256(cert),
    keyAlgorithm: keyAlgorithm(cert.publicKey),
    selfSigned: isSelfSigned(cert),
  };
}

/** Facts of a private (or public) key. The caller should drop the KeyObject right after. */
export function keyFacts(key: KeyObject): KeyFacts {
  return { algorithm: keyAlgorithm(key), spki: spkiSha256(key) };
}

/** The key (private or public) belongs to the certificate. */
export function keyMatchesCert(key: KeyObject, cert: X509Certificate): boolean {
  if (key.type === 'private') {
    try {
      return cert.checkPrivateKey(key);
    } catch {
      return false;
    }
  }
  return spkiSha256(key) === spkiSha256(cert);
}
