// The plain-text half of STARTTLS for SMTP (RFC 3207), IMAP (RFC 3501), POP3 (RFC 2595) and
// ManageSieve (RFC 5804): greeting, capabilities, the STARTTLS command, the server's go-ahead.
// Tiny on purpose: we only need to reach the TLS handshake, and to say exactly why we could not.
import type { StartTls } from '../../inventory/types.ts';
import { ProbeFailure } from './failure.ts';
import type { LineConn } from './lines.ts';

const EHLO_NAME = 'mailtls.invalid';

function quote(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

/** Reads an SMTP reply (`250-…` continuation lines, `250 …` last). */
async function smtpReply(c: LineConn, step: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  for (;;) {
    const line = await c.readLine(step);
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) throw new ProbeFailure('protocol', `not an SMTP reply while waiting for ${step}: ${quote(line)}`);
    lines.push(m[3]!);
    if (m[2] !== '-') return { code: Number(m[1]), lines };
  }
}

async function smtp(c: LineConn): Promise<void> {
  const greeting = await smtpReply(c, 'the SMTP greeting');
  if (greeting.code !== 220) throw new ProbeFailure('protocol', `SMTP greeting ${greeting.code} ${quote(greeting.lines[0] ?? '')}`);
  c.write(`EHLO ${EHLO_NAME}`);
  const ehlo = await smtpReply(c, 'the EHLO reply');
  if (ehlo.code !== 250) throw new ProbeFailure('protocol', `EHLO refused: ${ehlo.code} ${quote(ehlo.lines[0] ?? '')}`);
  if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l.trim()))) {
    c.write('QUIT');
    throw new ProbeFailure('no-starttls', 'the SMTP server does not offer STARTTLS in its EHLO reply');
  }
  c.write('STARTTLS');
  const go = await smtpReply(c, 'the STARTTLS reply');
  if (go.code !== 220) throw new ProbeFailure('no-starttls', `the SMTP server refused STARTTLS: ${go.code} ${quote(go.lines[0] ?? '')}`);
}

/** Reads IMAP lines up to the tagged completion of `tag`; returns untagged lines and the status. */
async function imapTagged(c: LineConn, tag: string, step: string): Promise<{ status: string; untagged: string[]; last: string }> {
  const untagged: string[] = [];
  for (;;) {
    const line = await c.readLine(step);
    if (line.startsWith(`${tag} `)) return { status: (line.split(' ')[1] ?? '').toUpperCase(), untagged, last: line };
    untagged.push(line);
  }
}

async function imap(c: LineConn): Promise<void> {
  const greeting = await c.readLine('the IMAP greeting');
  if (/^\* PREAUTH\b/i.test(greeting)) throw new ProbeFailure('no-starttls', 'the IMAP server pre-authenticated the session; STARTTLS is not possible');
  if (!/^\* OK\b/i.test(greeting)) throw new ProbeFailure('protocol', `unexpected IMAP greeting ${quote(greeting)}`);
  c.write('a1 CAPABILITY');
  const cap = await imapTagged(c, 'a1', 'the CAPABILITY reply');
  if (cap.status !== 'OK') throw new ProbeFailure('protocol', `CAPABILITY failed: ${quote(cap.last)}`);
  const caps = cap.untagged.filter((l) => /^\* CAPABILITY /i.test(l)).join(' ').toUpperCase().split(/\s+/);
  if (!caps.includes('STARTTLS')) {
    c.write('a2 LOGOUT');
    throw new ProbeFailure('no-starttls', 'the IMAP server does not list STARTTLS in its capabilities');
  }
  c.write('a2 STARTTLS');
  const go = await imapTagged(c, 'a2', 'the STARTTLS reply');
  if (go.status !== 'OK') throw new ProbeFailure('no-starttls', `the IMAP server refused STARTTLS: ${quote(go.last)}`);
}

async function pop3(c: LineConn): Promise<void> {
  const greeting = await c.readLine('the POP3 greeting');
  if (!greeting.startsWith('+OK')) throw new ProbeFailure('protocol', `unexpected POP3 greeting ${quote(greeting)}`);
  c.write('CAPA');
  const capa = await c.readLine('the CAPA reply');
  const caps: string[] = [];
  if (capa.startsWith('+OK')) {
    for (;;) {
      const line = await c.readLine('the CAPA list');
      if (line === '.') break;
      caps.push(line.trim().toUpperCase());
    }
  } else if (!capa.startsWith('-ERR')) {
    throw new ProbeFailure('protocol', `unexpected CAPA reply ${quote(capa)}`);
  }
  if (!caps.some((l) => l === 'STLS' || l.startsWith('STLS '))) {
    c.write('QUIT');
    throw new ProbeFailure('no-starttls', 'the POP3 server does not list STLS in its capabilities');
  }
  c.write('STLS');
  const go = await c.readLine('the STLS reply');
  if (!go.startsWith('+OK')) throw new ProbeFailure('no-starttls', `the POP3 server refused STLS: ${quote(go)}`);
}

/** ManageSieve responses end with an `OK`, `NO` or `BYE` line (optionally followed by text). */
async function sieveResponse(c: LineConn, step: string): Promise<{ status: string; lines: string[]; last: string }> {
  const lines: string[] = [];
  for (;;) {
    const line = await c.readLine(step);
    const m = /^(OK|NO|BYE)\b/i.exec(line);
    if (m) return { status: m[1]!.toUpperCase(), lines, last: line };
    if (/\{\d+\+?\}$/.test(line)) throw new ProbeFailure('protocol', `literal in ManageSieve ${step} is not supported: ${quote(line)}`);
    lines.push(line);
  }
}

async function sieve(c: LineConn): Promise<void> {
  const greeting = await sieveResponse(c, 'the ManageSieve greeting');
  if (greeting.status !== 'OK') throw new ProbeFailure('protocol', `ManageSieve greeting ${quote(greeting.last)}`);
  if (!greeting.lines.some((l) => /^"STARTTLS"/i.test(l.trim()))) {
    c.write('LOGOUT');
    throw new ProbeFailure('no-starttls', 'the ManageSieve server does not list "STARTTLS" in its capabilities');
  }
  c.write('STARTTLS');
  const go = await sieveResponse(c, 'the STARTTLS reply');
  if (go.status !== 'OK') throw new ProbeFailure('no-starttls', `the ManageSieve server refused STARTTLS: ${quote(go.last)}`);
}

export const startTlsDialogues: Record<StartTls, (c: LineConn) => Promise<void>> = { smtp, imap, pop3, sieve };
