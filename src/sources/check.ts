// Pre-flight checks on source material, before anything else uses it: key matches cert, chain
// in order, names covered, dates. Findings are data (MaterialCheck); guards make problems of them.
import { X509Certificate } from 'node:crypto';
import type { KeyAlgorithm } from '../inventory/types.ts';
import type { CertMaterial, MaterialCheck } from './types.ts';
import { certBlocks, keyBlocks } from './pem.ts';
import { certFactsOf, keyFactsOf, sha256hex } from './facts.ts';

/** Does `pattern` (maybe `*.example.org`) cover `name`? Wildcards match one left-most label. */
export function nameCovered(name: string, patterns: string[]): boolean {
  const n = name.toLowerCase();
  return patterns.some((p) => {
    const q = p.toLowerCase();
    if (q === n) return true;
    if (!q.startsWith('*.')) return false;
    const dot = n.indexOf('.');
    return dot > 0 && n.slice(dot + 1) === q.slice(2);
  });
}

export function chainInOrder(certs: X509Certificate[]): boolean {
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i] as X509Certificate;
    const parent = certs[i + 1] as X509Certificate;
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) return false;
  }
  return true;
}

export interface MaterialInput {
  certificate: string;
  algorithm: KeyAlgorithm;
  /** Text holding the leaf first, then maybe the chain (fullchain.pem or cert.pem). */
  certText: string;
  /** Separate chain text, when the source has one. */
  chainText?: string;
  keyText: string;
  names: string[];
  origin: string;
  now: Date;
}

/** Parses and checks material. Throws (with a message free of material) when it is not PEM. */
export function buildMaterial(input: MaterialInput): CertMaterial {
  const certPems = [...certBlocks(input.certText), ...(input.chainText ? certBlocks(input.chainText) : [])];
  if (certPems.length === 0) throw new Error('no certificate found in the source');
  const keys = keyBlocks(input.keyText);
  if (keys.length !== 1) throw new Error(`expected one private key in the source, found ${keys.length}`);
  const x509 = certPems.map((p) => new X509Certificate(p));
  const facts = x509.map(certFactsOf);
  const keyPem = keys[0] as string;
  const key = keyFactsOf(keyPem);
  const leaf = facts[0] as NonNullable<(typeof facts)[0]>;
  const leafX = x509[0] as X509Certificate;
  const check: MaterialCheck = {
    keyMatchesCert: key.spki === leaf.spki,
    chainInOrder: chainInOrder(x509),
    missingNames: input.names.filter((n) => !nameCovered(n, leaf.names)),
    expired: input.now.getTime() > new Date(leafX.validTo).getTime(),
    notYetValid: input.now.getTime() < new Date(leafX.validFrom).getTime(),
  };
  const fingerprint = sha256hex(Buffer.concat([...x509.map((x) => x.raw), Buffer.from(key.spki, 'hex')]));
  const material = {
    certificate: input.certificate,
    algorithm: input.algorithm,
    leafPem: certPems[0] as string,
    chainPem: certPems.slice(1).join(''),
    leaf,
    chain: facts.slice(1),
    key,
    fingerprint,
    origin: input.origin,
    check,
  } as Omit<CertMaterial, 'keyPem'> as CertMaterial;
  // Non-enumerable: JSON.stringify, spread and util.inspect never see the key.
  Object.defineProperty(material, 'keyPem', { value: keyPem, enumerable: false });
  return material;
}
