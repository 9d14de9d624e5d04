// Health checks: does a TCP port accept, does a DNS server answer (and with which SOA serial).
import { connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { connect as tlsConnect } from 'node:tls';
import * as dnsPacket from 'dns-packet';
import { sleep } from './run.ts';

export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** An implicit-TLS handshake (no verification): the leaf's subject CN, or the error. */
export function tlsHello(host: string, port: number, timeoutMs = 2000): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const sock = tlsConnect({ host, port, servername: undefined, rejectUnauthorized: false });
    const done = (ok: boolean, detail: string) => {
      sock.destroy();
      resolve({ ok, detail });
    };
    sock.setTimeout(timeoutMs, () => done(false, 'TLS handshake timed out'));
    sock.once('secureConnect', () => {
      const cn = sock.getPeerCertificate()?.subject?.CN;
      done(true, `TLS ${sock.getProtocol()} ${cn ? `CN=${cn}` : ''}`.trim());
    });
    sock.once('error', (e) => done(false, `TLS failed: ${e.message}`));
  });
}

export interface SoaAnswer {
  rcode: string;
  serial?: number;
  ad: boolean;
}

/** One UDP query for the SOA of `zone` at `server:53`; undefined on timeout. */
export function querySoa(server: string, zone: string, timeoutMs = 1000): Promise<SoaAnswer | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const id = Math.floor(Math.random() * 65535);
    const msg = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
      questions: [{ type: 'SOA', name: zone }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
    });
    const timer = setTimeout(() => {
      sock.close();
      resolve(undefined);
    }, timeoutMs);
    sock.on('message', (buf) => {
      const p = dnsPacket.decode(buf);
      if (p.id !== id) return;
      clearTimeout(timer);
      sock.close();
      const soa = p.answers?.find((a) => a.type === 'SOA');
      const serial = soa && soa.type === 'SOA' ? soa.data.serial : undefined;
      resolve({ rcode: (p as { rcode?: string }).rcode ?? 'NOERROR', serial, ad: p.flag_ad });
    });
    sock.on('error', () => {
      clearTimeout(timer);
      sock.close();
      resolve(undefined);
    });
    sock.send(msg, 53, server);
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, stepMs = 150): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}
