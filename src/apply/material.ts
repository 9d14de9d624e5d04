// Local checks of the desired material before anything touches a target: the key matches the
// leaf, the chain is in order, the leaf covers the names and is valid now. Minimal node:crypto
// (src/pki holds the full maths); messages carry identities, never material.
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';

export interface MaterialFinding {
  code: 'APPLY_KEY_MISMATCH' | 'APPLY_CHAIN_ORDER' | 'APPLY_NAME_MISSING' | 'APPLY_CERT_DATES' | 'APPLY_MATERIAL_UNPARSABLE';
  message: string;
}

export interface LeafIdentity {
  fingerprint: string;
  spki: string;
  serial: string;
  notAfter: string;
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

export function pemBlocks(bytes: Buffer): { label: string; text: string }[] {
  return [...bytes.toString('latin1').matchAll(PEM)].map((m) => ({ label: m[1] ?? '', text: m[0] }));
}

export function certificatesIn(bytes: Buffer): X509Certificate[] {
  return pemBlocks(bytes)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => new X509Certificate(b.text));
}

export function spkiOf(cert: X509Certificate): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function leafIdentity(bytes: Buffer): LeafIdentity | undefined {
  try {
    const leaf = certificatesIn(bytes)[0];
    if (!leaf) return undefined;
    return {
      fingerprint: createHash('sha256').update(leaf.raw).digest('hex'),
      spki: spkiOf(leaf),
      serial: leaf.serialNumber,
      notAfter: new Date(leaf.validTo).toISOString(),
    };
  } catch {
    return undefined;
  }
}

function covers(cert: X509Certificate, name: string): boolean {
  if (isIP(name)) return !!cert.checkIP(name);
  return !!cert.checkHost(name, { subject: 'default' });
}

/** Checks one file set given the bytes of its files in order (leaf first, key anywhere). */
export function checkMaterial(files: Buffer[], names: string[], now: Date): MaterialFinding[] {
  const out: MaterialFinding[] = [];
  let certs: X509Certificate[] = [];
  let keyPem: string | undefined;
  try {
    for (const b of files) {
      certs = certs.concat(certificatesIn(b));
      keyPem ??= pemBlocks(b).find((x) => /PRIVATE KEY$/.test(x.label))?.text;
    }
  } catch {
    return [{ code: 'APPLY_MATERIAL_UNPARSABLE', message: 'a certificate in the desired files does not parse' }];
  }
  const leaf = certs[0];
  if (!leaf) return [{ code: 'APPLY_MATERIAL_UNPARSABLE', message: 'no certificate in the desired files' }];
  const id = leafIdentity(Buffer.from(leaf.toString()));
  if (!keyPem) {
    out.push({ code: 'APPLY_MATERIAL_UNPARSABLE', message: 'no private key in the desired files' });
  } else {
    let keySpki: string | undefined;
    try {
      const pub = createPublicKey(createPrivateKey(keyPem));
      keySpki = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
    } catch {
      out.push({ code: 'APPLY_MATERIAL_UNPARSABLE', message: 'the private key does not parse' });
    }
    if (keySpki && keySpki !== id?.spki) {
      out.push({
        code: 'APPLY_KEY_MISMATCH',
        message: `key SPKI ${keySpki} does not match the leaf (serial ${leaf.serialNumber}, SPKI ${id?.spki})`,
      });
    }
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    const [a, b] = [certs[i]!, certs[i + 1]!];
    if (!a.checkIssued(b)) {
      out.push({ code: 'APPLY_CHAIN_ORDER', message: `certificate ${i} (${a.subject.replace(/\n/g, ', ')}) is not issued by certificate ${i + 1} (${b.subject.replace(/\n/g, ', ')})` });
    }
  }
  for (const n of names) {
    if (!covers(leaf, n)) out.push({ code: 'APPLY_NAME_MISSING', message: `leaf (serial ${leaf.serialNumber}) does not cover ${n}` });
  }
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  if (now < from || now > to) {
    out.push({
      code: 'APPLY_CERT_DATES',
      message: `leaf (serial ${leaf.serialNumber}) is valid ${from.toISOString()} – ${to.toISOString()}, not at ${now.toISOString()}`,
    });
  }
  return out;
}
