// Subject alternative names and whether a certificate covers the names a service needs.
// Only SANs count (CN is ignored, as by every current client); a wildcard is a whole
// left-most label `*` and stands for exactly one label.
import { isIP } from 'node:net';
import type { X509Certificate } from 'node:crypto';

/** DNS names (lowercase) and IP addresses (canonical form) from the SAN extension, in order. */
export function sanNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (!san) return [];
  const out: string[] = [];
  for (const [kind, value] of splitSan(san)) {
    if (kind === 'DNS') out.push(normalizeDnsName(value));
    else if (kind === 'IP Address') out.push(canonicalIp(value));
  }
  return out;
}

/** Node prints SANs as `DNS:a, IP Address:1.2.3.4`; values with odd characters are JSON-quoted. */
function splitSan(san: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  while (i < san.length) {
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    const kind = san.slice(i, colon);
    let value: string;
    let next: number;
    if (san[colon + 1] === '"') {
      const end = findQuoteEnd(san, colon + 1);
      try {
        value = JSON.parse(san.slice(colon + 1, end + 1)) as string;
      } catch {
        value = san.slice(colon + 2, end);
      }
      next = san.indexOf(', ', end);
    } else {
      next = san.indexOf(', ', colon);
      value = san.slice(colon + 1, next < 0 ? san.length : next);
    }
    out.push([kind, value]);
    if (next < 0) break;
    i = next + 2;
  }
  return out;
}

function findQuoteEnd(s: string, start: number): number {
  for (let j = start + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return s.length - 1;
}

export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Canonical text of an IP literal (IPv6 compressed, lowercase); other text is returned as is. */
export function canonicalIp(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return ip;
  if (v === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return ip;
}

/** Does one SAN entry cover `name`? */
export function nameMatches(san: string, name: string): boolean {
  const want = isIP(name) ? canonicalIp(name) : normalizeDnsName(name);
  if (isIP(want)) return isIP(san) !== 0 && canonicalIp(san) === want;
  const pattern = normalizeDnsName(san);
  if (pattern === want) return true;
  if (!pattern.startsWith('*.')) return false;
  const rest = pattern.slice(2);
  // `*.com` style patterns (fewer than two labels after the wildcard) never match.
  if (!rest.includes('.') || rest.includes('*')) return false;
  const dot = want.indexOf('.');
  return dot > 0 && want.slice(dot + 1) === rest;
}

export interface NameCoverage {
  ok: boolean;
  covered: string[];
  missing: string[];
}

/** Which of `names` the certificate (or its facts' `names`) covers. */
export function namesCovered(cert: X509Certificate | { names: string[] }, names: string[]): NameCoverage {
  const sans = 'raw' in cert ? sanNames(cert) : cert.names;
  const covered: string[] = [];
  const missing: string[] = [];
  for (const n of names) (sans.some((s) => nameMatches(s, n)) ? covered : missing).push(n);
  return { ok: missing.length === 0, covered, missing };
}
