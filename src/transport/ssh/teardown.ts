// Making sure an ssh2 Client's socket is really gone. `Client.destroy()` is a no-op once the
// peer has ended its side (ssh2 checks `_readableState.ended`), which leaves our half of the
// TCP connection open forever after e.g. a server that closed before the handshake. So we
// destroy the socket itself too.
import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';

export function destroyClient(client: Client): void {
  client.destroy();
  const sock = (client as unknown as { _sock?: Duplex })._sock;
  if (sock && !sock.destroyed) sock.destroy();
}

/** Ends a client politely; one that does not close within `ms` is destroyed. */
export function endClient(c: Client, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      destroyClient(c);
      resolve();
    }, ms);
    c.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    c.end();
  });
}
