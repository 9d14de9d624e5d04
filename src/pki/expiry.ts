// Validity dates in the units people act on: whole days left.
import type { X509Certificate } from 'node:crypto';
import type { CertFacts } from '../state/types.ts';

const DAY_MS = 86_400_000;

function dates(cert: X509Certificate | CertFacts): { notBefore: Date; notAfter: Date } {
  if ('raw' in cert) return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
  return { notBefore: new Date(cert.notBefore), notAfter: new Date(cert.notAfter) };
}

/** Whole days until notAfter (rounded down; negative once expired). */
export function daysLeft(cert: X509Certificate | CertFacts, now: Date = new Date()): number {
  return Math.floor((dates(cert).notAfter.getTime() - now.getTime()) / DAY_MS);
}

export function isExpired(cert: X509Certificate | CertFacts, now: Date = new Date()): boolean {
  return dates(cert).notAfter.getTime() < now.getTime();
}

export function isNotYetValid(cert: X509Certificate | CertFacts, now: Date = new Date()): boolean {
  return dates(cert).notBefore.getTime() > now.getTime();
}

/** Valid at `now` and still at least `minDays` days from expiry. */
export function validFor(cert: X509Certificate | CertFacts, minDays: number, now: Date = new Date()): boolean {
  return !isNotYetValid(cert, now) && daysLeft(cert, now) >= minDays;
}
