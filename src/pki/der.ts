// Just enough DER to find the SubjectPublicKeyInfo inside a certificate without asking OpenSSL to
// re-encode the key (which costs a key parse per certificate on every probe). The bytes are the
// ones the certificate carries, which is what TLSA selector 1 is defined over (RFC 6698 §2.1.2).

interface Tlv { tag: number; start: number; headerLen: number; end: number }

function readTlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let headerLen = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    headerLen += n;
  }
  const end = at + headerLen + len;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, start: at, headerLen, end };
}

/** The DER SubjectPublicKeyInfo of a DER certificate (a view into `certDer`). */
export function spkiFromCertDer(certDer: Buffer): Buffer {
  const cert = readTlv(certDer, 0);
  const tbs = readTlv(certDer, cert.start + cert.headerLen);
  if (cert.tag !== 0x30 || tbs.tag !== 0x30) throw new Error('not a certificate');
  let at = tbs.start + tbs.headerLen;
  let field = readTlv(certDer, at);
  if (field.tag === 0xa0) at = field.end; // [0] version
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo
  for (let i = 0; i < 5; i++) at = readTlv(certDer, at).end;
  field = readTlv(certDer, at);
  if (field.tag !== 0x30 || field.end > tbs.end) throw new Error('no SubjectPublicKeyInfo');
  return certDer.subarray(field.start, field.end);
}
