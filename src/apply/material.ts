// Local checks of the desired material before anything touches a target: the key matches the
// leaf, the chain is in order, the leaf covers the names and is valid now (src/pki maths).
// Messages carry identities (serial, SPKI, subject), never material.
import type { X509Certificate } from 'node:crypto';
import {
  certFacts, firstChainBreak, isExpired, isNotYetValid, keyMatchesCert, namesCovered, parsePemBundle, spkiSha256,
} from '../pki/index.ts';

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

/** Identity of the first certificate in `bytes` (a cert, fullchain or combined file). */
export function leafIdentity(bytes: Buffer): LeafIdentity | undefined {
  try {
    const leaf = parsePemBundle(bytes).certs[0];
    if (!leaf) return undefined;
    const f = certFacts(leaf);
    return { fingerprint: f.fingerprint, spki: f.spki, serial: f.serial, notAfter: f.notAfter };
  } catch {
    return undefined;
  }
}

const subject = (c: X509Certificate) => c.subject.replace(/\n/g, ', ');

/** Checks one file set given the bytes of its files in order (leaf first, key anywhere). */
export function checkMaterial(files: Buffer[], names: string[], now: Date): MaterialFinding[] {
  const out: MaterialFinding[] = [];
  const bundles = files.map((b) => parsePemBundle(b));
  const certs = bundles.flatMap((b) => b.certs);
  const key = bundles.find((b) => b.key)?.key;
  for (const e of bundles.flatMap((b) => b.errors)) out.push({ code: 'APPLY_MATERIAL_UNPARSABLE', message: e });
  const leaf = certs[0];
  if (!leaf) return [...out, { code: 'APPLY_MATERIAL_UNPARSABLE', message: 'no certificate in the desired files' }];
  if (!key) {
    out.push({ code: 'APPLY_MATERIAL_UNPARSABLE', message: 'no private key in the desired files' });
  } else if (!keyMatchesCert(key, leaf)) {
    out.push({ code: 'APPLY_KEY_MISMATCH', message: `key SPKI ${spkiSha256(key)} does not match the leaf (serial ${leaf.serialNumber}, SPKI ${spkiSha256(leaf)})` });
  }
  const brk = firstChainBreak(certs);
  if (brk >= 0 && certs[brk + 1]) {
    out.push({ code: 'APPLY_CHAIN_ORDER', message: `certificate ${brk} (${subject(certs[brk]!)}) is not issued by certificate ${brk + 1} (${subject(certs[brk + 1]!)})` });
  }
  for (const n of namesCovered(leaf, names).missing) {
    out.push({ code: 'APPLY_NAME_MISSING', message: `leaf (serial ${leaf.serialNumber}) does not cover ${n}` });
  }
  if (isExpired(leaf, now) || isNotYetValid(leaf, now)) {
    out.push({ code: 'APPLY_CERT_DATES', message: `leaf (serial ${leaf.serialNumber}) is valid ${new Date(leaf.validFrom).toISOString()} – ${new Date(leaf.validTo).toISOString()}, not at ${now.toISOString()}` });
  }
  return out;
}
