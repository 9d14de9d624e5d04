// One exchange over UDP or TCP. UDP uses a connected socket (replies from other addresses are
// dropped by the kernel) and ignores replies that do not answer the query (wrong id or question:
// late or spoofed), so they can only end in a timeout. Over TCP a wrong reply is an error.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as packet from 'dns-packet';
import { DnsError } from './types.ts';
import { decodeMessage, mismatch, type BuiltQuery } from './wire.ts';

export interface Target {
  address: string;
  family: 4 | 6;
  port: number;
  /** Canonical `addr:port` for messages. */
  label: string;
}

type Reply = ReturnType<typeof decodeMessage>;

export function udpExchange(t: Target, q: BuiltQuery, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(t.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (err: Error | undefined, reply?: Reply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new DnsError('timeout', t.label, `no answer from ${t.label} within ${timeoutMs} ms (udp)`)), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => finish(netError(t, e)));
    sock.on('message', (msg) => {
      let reply: Reply;
      try {
        reply = decodeMessage(msg);
      } catch {
        return; // garbage on our port: keep waiting for the real answer
      }
      if (mismatch(q, reply) === undefined) finish(undefined, reply);
    });
    sock.connect(t.port, t.address, () => {
      sock.send(packet.encode(q.message), (e) => e && finish(netError(t, e as NodeJS.ErrnoException)));
    });
  });
}

export function tcpExchange(t: Target, q: BuiltQuery, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: t.address, port: t.port, family: t.family });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | undefined, reply?: Reply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new DnsError('timeout', t.label, `no answer from ${t.label} within ${timeoutMs} ms (tcp)`)), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => finish(netError(t, e)));
    sock.on('connect', () => sock.write(packet.streamEncode(q.message)));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < len + 2) return;
      let reply: Reply;
      try {
        reply = decodeMessage(buf.subarray(2, len + 2));
      } catch (e) {
        return finish(new DnsError('malformed', t.label, `undecodable answer from ${t.label}: ${(e as Error).message}`));
      }
      const why = mismatch(q, reply);
      finish(why ? new DnsError('mismatch', t.label, `answer from ${t.label} does not match the query: ${why}`) : undefined, reply);
    });
    sock.on('end', () => finish(new DnsError('malformed', t.label, `${t.label} closed the TCP connection before a full answer`)));
  });
}

function netError(t: Target, e: NodeJS.ErrnoException): DnsError {
  return new DnsError('unreachable', t.label, `${t.label}: ${e.code ?? e.message}`);
}
