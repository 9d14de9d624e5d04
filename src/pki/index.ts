// X.509, key and TLSA maths (pure; node:crypto only).
export { parsePemBundle } from './pem.ts';
export type { PemBundle } from './pem.ts';
export { certFacts, keyFacts, keyMatchesCert, keyAlgorithm, spkiDer, spkiSha256, sha256Hex, isSelfSigned, UnsupportedKeyError } from './facts.ts';
export { chainInOrder, firstChainBreak, issuedBy } from './chain.ts';
export { namesCovered, nameMatches, sanNames, canonicalIp, normalizeDnsName } from './names.ts';
export type { NameCoverage } from './names.ts';
export { daysLeft, isExpired, isNotYetValid, validFor } from './expiry.ts';
export {
  tlsaData, tlsaRecord, tlsaMatches, tlsaOwner, formatTlsa, parseTlsaRdata, normalizeTlsaData,
  tlsaUnusableReason, isEmptyInputDigest, EMPTY_SHA256, EMPTY_SHA512,
} from './tlsa.ts';
export type { TlsaSource, TlsaMatchOptions, TlsaMatchResult, ChainEntry } from './tlsa.ts';
export { containsPrivateKeyMaterial, findPrivateKeyMaterial } from './secret-scan.ts';
export type { SecretHit } from './secret-scan.ts';
