// A tiny DNS server for unit tests: UDP and TCP on 127.0.0.1 (or ::1), same random port, each
// query handed to a function that returns the reply packets to send (none = stay silent).
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import * as packet from 'dns-packet';

export type Handler = (q: packet.DecodedPacket, transport: 'udp' | 'tcp') => packet.Packet[] | Buffer[];

export interface TinyServer {
  server: string;
  port: number;
  seen: { transport: 'udp' | 'tcp'; q: packet.DecodedPacket }[];
  close(): Promise<void>;
}

export async function startTinyServer(handler: Handler, host = '127.0.0.1'): Promise<TinyServer> {
  const seen: TinyServer['seen'] = [];
  const reply = (q: packet.DecodedPacket, t: 'udp' | 'tcp') => {
    seen.push({ transport: t, q });
    return handler(q, t).map((p) => (Buffer.isBuffer(p) ? p : packet.encode(p)));
  };
  // Bind TCP on port 0 first, then UDP on the same port (retry if taken).
  for (let i = 0; i < 20; i++) {
    const tcp: Server = createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const q = packet.decode(buf.subarray(2, 2 + len));
          buf = buf.subarray(2 + len);
          for (const r of reply(q, 'tcp')) {
            const l = Buffer.alloc(2);
            l.writeUInt16BE(r.length);
            c.write(Buffer.concat([l, r]));
          }
        }
      });
      c.on('error', () => {});
    });
    await new Promise<void>((res, rej) => tcp.once('error', rej).listen(0, host, () => res()));
    const port = (tcp.address() as { port: number }).port;
    const udp: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const bound = await new Promise<boolean>((res) => {
      udp.once('error', () => res(false));
      udp.bind(port, host, () => res(true));
    });
    if (!bound) {
      await new Promise<void>((r) => tcp.close(() => r()));
      continue;
    }
    udp.on('message', (msg, rinfo) => {
      for (const r of reply(packet.decode(msg), 'udp')) udp.send(r, rinfo.port, rinfo.address);
    });
    return {
      server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
      port,
      seen,
      close: () =>
        new Promise<void>((r) => {
          udp.close();
          tcp.close(() => r());
        }),
    };
  }
  throw new Error('could not bind a UDP+TCP port pair');
}

/** A response to `q` with the given sections and header flags. */
export function answer(q: packet.DecodedPacket, parts: Partial<packet.Packet> & { rcode?: number } = {}): packet.Packet {
  const { rcode = 0, flags = 0, ...rest } = parts;
  return {
    id: q.id,
    type: 'response',
    flags: flags | rcode,
    questions: q.questions,
    answers: [],
    authorities: [],
    additionals: [],
    ...rest,
  };
}
