// Pre-flight checks on source material, before anything else uses it: key matches cert, chain
// in order, names covered, dates. Findings are data (MaterialCheck); guards make problems of them.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyAlgorithm } from '../inventory/types.ts';
import { certFacts, chainInOrder, keyFacts, keyMatchesCert, namesCovered, sha256Hex } from '../pki/index.ts';
import type { CertMaterial, MaterialCheck } from './types.ts';
import { certBlocks, keyBlocks } from './pem.ts';

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
  const facts = x509.map(certFacts);
  const keyPem = keys[0] as string;
  const keyObject = createPrivateKey(keyPem);
  const key = keyFacts(keyObject);
  const leaf = facts[0] as NonNullable<(typeof facts)[0]>;
  const leafX = x509[0] as X509Certificate;
  const check: MaterialCheck = {
    keyMatchesCert: keyMatchesCert(keyObject, leafX),
    chainInOrder: chainInOrder(x509),
    missingNames: namesCovered(leafX, input.names).missing,
    expired: input.now.getTime() > new Date(leafX.validTo).getTime(),
    notYetValid: input.now.getTime() < new Date(leafX.validFrom).getTime(),
  };
  const fingerprint = sha256Hex(Buffer.concat([...x509.map((x) => x.raw), Buffer.from(key.spki, 'hex')]));
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
