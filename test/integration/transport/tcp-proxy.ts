// A TCP relay between the client and sshd that a test can break on purpose: `drop()` resets
// every relayed connection (a dead link), `freeze()` stops forwarding bytes but keeps the
// sockets open (a silent network, the case only a timeout can catch).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  addr: string;
  port: number;
  connections(): number;
  /** Bytes relayed from the server to the client so far. */
  bytesDown(): number;
  drop(): void;
  freeze(): void;
  close(): Promise<void>;
}

export function startProxy(listenAddr: string, target: { addr: string; port: number }): Promise<TcpProxy> {
  const pairs: [Socket, Socket][] = [];
  let frozen = false;
  let down = 0;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.addr, port: target.port });
    pairs.push([client, upstream]);
    const relay = (from: Socket, to: Socket) =>
      from.on('data', (b) => {
        if (!frozen) to.write(b);
      });
    relay(client, upstream);
    relay(upstream, client);
    upstream.on('data', (b) => (down += b.length));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) => {
    server.listen(0, listenAddr, () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      resolve({
        addr: listenAddr,
        port,
        connections: () => pairs.length,
        bytesDown: () => down,
        drop: () => {
          for (const [c, u] of pairs) {
            c.resetAndDestroy();
            u.destroy();
          }
        },
        freeze: () => {
          frozen = true;
        },
        close: () =>
          new Promise<void>((r) => {
            for (const [c, u] of pairs) {
              c.destroy();
              u.destroy();
            }
            server.close(() => r());
          }),
      });
    });
  });
}
