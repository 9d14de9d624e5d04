// Chain order: each certificate is issued (names and signature) by the one after it.
import type { X509Certificate } from 'node:crypto';
import { safeVerify } from './facts.ts';

/** `issuer` issued `child`: names/extensions agree and the signature verifies. */
export function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && safeVerify(child, issuer);
}

/** Index of the first certificate not issued by its successor, or -1 when the order is right. */
export function firstChainBreak(certs: X509Certificate[]): number {
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!issuedBy(certs[i]!, certs[i + 1]!)) return i;
  }
  return -1;
}

/** Leaf first, each certificate issued by the next. A single certificate is in order. */
export function chainInOrder(certs: X509Certificate[]): boolean {
  return firstChainBreak(certs) < 0;
}
