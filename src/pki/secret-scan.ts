// Finds private-key material in text that is about to be shown, saved or snapshotted. Every test
// suite runs its outputs through this; it errs on the side of reporting.
export interface SecretHit {
  kind: string;
  /** Offset of the hit in the scanned text (the material itself is never returned). */
  index: number;
}

const PEM_MARKERS: Array<[string, RegExp]> = [
  ['pem-private-key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g],
  ['putty-private-key', /PuTTY-User-Key-File-\d+:/g],
  ['openssh-private-key', /b3BlbnNzaC1rZXktdjE/g], // base64 of "openssh-key-v1"
];

// DER prefixes after the outer SEQUENCE header:
//   PKCS#8 PrivateKeyInfo: INTEGER 0|1, SEQUENCE (algorithm)
//   PKCS#1 RSAPrivateKey:  INTEGER 0, INTEGER (modulus)
//   SEC1 ECPrivateKey:     INTEGER 1, OCTET STRING (private scalar)
function looksLikePrivateKeyDer(der: Buffer): string | undefined {
  if (der.length < 8 || der[0] !== 0x30) return undefined;
  let i = 1;
  const len = der[i]!;
  i += len & 0x80 ? 1 + (len & 0x7f) : 1;
  if (der[i] !== 0x02 || der[i + 1] !== 0x01) return undefined;
  const version = der[i + 2];
  const next = der[i + 3];
  if ((version === 0 || version === 1) && next === 0x30) return 'der-pkcs8-private-key';
  if (version === 0 && next === 0x02) return 'der-pkcs1-private-key';
  if (version === 1 && next === 0x04) return 'der-sec1-private-key';
  return undefined;
}

const BASE64_RUN = /[A-Za-z0-9+/]{40,}/g;
const HEX_RUN = /\b(?:30[0-9a-fA-F]{30,})/g;
// JSON.stringify(buffer): {"type":"Buffer","data":[48,130,…]}
const BUFFER_JSON = /"type"\s*:\s*"Buffer"\s*,\s*"data"\s*:\s*\[\s*(\d[\d,\s]{10,})/g;
const JWK_PRIVATE = /"kty"\s*:\s*"[A-Za-z]+"[^{}]*"d"\s*:\s*"|"d"\s*:\s*"[A-Za-z0-9_-]{16,}"[^{}]*"kty"\s*:/g;

/** Every place in `text` that looks like private-key material. */
export function findPrivateKeyMaterial(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const [kind, re] of PEM_MARKERS) for (const m of text.matchAll(re)) hits.push({ kind, index: m.index ?? 0 });
  for (const m of text.matchAll(BASE64_RUN)) {
    const kind = looksLikePrivateKeyDer(Buffer.from(m[0].slice(0, 64), 'base64'));
    if (kind) hits.push({ kind, index: m.index ?? 0 });
  }
  for (const m of text.matchAll(HEX_RUN)) {
    const kind = looksLikePrivateKeyDer(Buffer.from(m[0].slice(0, 64), 'hex'));
    if (kind) hits.push({ kind: `hex-${kind}`, index: m.index ?? 0 });
  }
  for (const m of text.matchAll(BUFFER_JSON)) {
    const bytes = m[1]!.split(',').slice(0, 32).map((x) => Number(x.trim()) & 0xff);
    const kind = looksLikePrivateKeyDer(Buffer.from(bytes));
    if (kind) hits.push({ kind: `buffer-json-${kind}`, index: m.index ?? 0 });
  }
  for (const m of text.matchAll(JWK_PRIVATE)) hits.push({ kind: 'jwk-private-key', index: m.index ?? 0 });
  return hits.sort((a, b) => a.index - b.index);
}

export function containsPrivateKeyMaterial(text: string | Buffer): boolean {
  return findPrivateKeyMaterial(typeof text === 'string' ? text : text.toString('latin1')).length > 0;
}
