// One TLS probe: TCP connect, optional STARTTLS dialogue, TLS handshake (optionally forcing the
// server's key type), then the served chain as facts. Every step has a time-out, the socket is
// always destroyed, and a failure is a precise result, never an exception.
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext } from 'node:tls';
import type { ConnectionOptions, SecureContext } from 'node:tls';
import type { KeyAlgorithm, StartTls } from '../../inventory/types.ts';
import type { CertFacts, ProbeResult } from '../../state/types.ts';
import { algorithmOptions } from './algorithms.ts';
import { servedCerts } from './chain.ts';
import { certFacts } from '../../pki/facts.ts';
import { ProbeFailure, connectFailure, handshakeFailure } from './failure.ts';
import { LineConn } from './lines.ts';
import { startTlsDialogues } from './starttls.ts';

export interface ProbeRequest {
  /** Labels copied into the result. */
  host?: string;
  service?: string;
  /** IPv4 or IPv6 literal. */
  address: string;
  port: number;
  starttls?: StartTls;
  /** Sent as SNI unless it is an IP literal (RFC 6066 forbids those). */
  sni: string;
  algorithm?: KeyAlgorithm;
  /** Limit for the connect and for each protocol step and the handshake; default 10 s. */
  timeoutMs?: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

function target(req: ProbeRequest): string {
  return isIP(req.address) === 6 ? `[${req.address}]:${req.port}` : `${req.address}:${req.port}`;
}

function tcpConnect(req: ProbeRequest, timeoutMs: number, track: (s: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: req.address, port: req.port });
    track(socket);
    const timer = setTimeout(() => reject(new ProbeFailure('timeout', `no TCP connection to ${target(req)} within ${timeoutMs} ms`)), timeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(connectFailure(err, target(req)));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

// One client context per forced algorithm, built once: building it per probe costs more CPU than
// reading the whole served chain.
const contexts = new Map<string, SecureContext>();
function clientContext(algorithm: KeyAlgorithm | undefined): SecureContext {
  const key = algorithm ?? 'any';
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext(algorithm ? algorithmOptions[algorithm] : {});
    contexts.set(key, ctx);
  }
  return ctx;
}

interface Handshake {
  version?: string;
  chain: CertFacts[];
}

function tlsHandshake(req: ProbeRequest, socket: Socket, timeoutMs: number, track: (s: Socket) => void): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const opts: ConnectionOptions = {
      socket,
      // We compare identities; the caller judges trust. Never validate against system roots.
      rejectUnauthorized: false,
    };
    if (isIP(req.sni) === 0 && req.sni) opts.servername = req.sni;
    opts.secureContext = clientContext(req.algorithm);
    const tls = tlsConnect(opts);
    track(tls);
    const timer = setTimeout(() => reject(new ProbeFailure('timeout', `TLS handshake with ${target(req)} did not finish within ${timeoutMs} ms`)), timeoutMs);
    tls.once('secureConnect', () => {
      clearTimeout(timer);
      // Read the peer's certificates while the TLS state surely exists (the server may close next).
      try {
        resolve({ version: tls.getProtocol() ?? undefined, chain: servedCerts(tls).map(certFacts) });
      } catch (err) {
        reject(new ProbeFailure('handshake', `cannot read the served certificates: ${(err as Error).message}`));
      }
    });
    tls.once('error', (err) => {
      clearTimeout(timer);
      reject(handshakeFailure(err));
    });
    // A server that just closes before the handshake ends shows up as 'error' (ECONNRESET) in Node.
  });
}

export async function probeEndpoint(req: ProbeRequest): Promise<ProbeResult> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const result: ProbeResult = {
    host: req.host ?? '',
    service: req.service ?? '',
    address: req.address,
    port: req.port,
    sni: req.sni,
    ok: false,
  };
  if (req.starttls) result.starttls = req.starttls;
  if (req.algorithm) result.algorithm = req.algorithm;
  const sockets: Socket[] = [];
  const track = (s: Socket) => {
    sockets.push(s);
    s.on('error', () => {}); // errors are read where they matter; a late one must not crash the process
  };
  try {
    const socket = await tcpConnect(req, timeoutMs, track);
    let plain = socket;
    if (req.starttls) {
      const conn = new LineConn(socket, timeoutMs);
      await startTlsDialogues[req.starttls](conn);
      plain = conn.release();
    }
    const { version, chain } = await tlsHandshake(req, plain, timeoutMs, track);
    if (version) result.tlsVersion = version;
    if (chain.length === 0) throw new ProbeFailure('handshake', 'the server sent no certificate');
    result.chain = chain;
    const served = result.chain[0]!.keyAlgorithm;
    if (req.algorithm && served !== req.algorithm) {
      throw new ProbeFailure('handshake', `asked for ${req.algorithm} only, but the server sent a ${served} certificate`);
    }
    result.ok = true;
  } catch (err) {
    const f = err instanceof ProbeFailure ? err : new ProbeFailure('protocol', `probe failed: ${(err as Error)?.message ?? String(err)}`);
    result.ok = false;
    result.error = { code: f.code, message: f.message };
  } finally {
    // Outermost first: destroying the TCP socket under a live TLSSocket crashes Node 20 (segfault).
    for (const s of sockets.reverse()) s.destroy();
  }
  return result;
}
