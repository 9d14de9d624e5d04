// Local protocol peers for probe tests: tiny SMTP / IMAP / POP3 / ManageSieve servers with real
// STARTTLS upgrades, an implicit-TLS server, and misbehaving ones (silent, closing, garbage).
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { TLSSocket, createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { SecureContext } from 'node:tls';

export interface Running {
  port: number;
  host: string;
  /** SNI names the TLS side received, one per handshake that sent one. */
  sni: string[];
  /** Highest number of connections open at the same time. */
  maxOpen: number;
  open(): number;
  close(): Promise<void>;
}

export interface CertPair {
  key: string;
  cert: string;
}

export interface ServerTls {
  options: { key: string[]; cert: string[]; maxVersion?: 'TLSv1.2' | 'TLSv1.3' };
  ctx: SecureContext;
}

/** One server identity: every pair is offered, OpenSSL picks one per handshake. */
export function tlsContext(pairs: CertPair[], maxVersion?: 'TLSv1.2' | 'TLSv1.3'): ServerTls {
  const options = { key: pairs.map((p) => p.key), cert: pairs.map((p) => p.cert), ...(maxVersion ? { maxVersion } : {}) };
  return { options, ctx: createSecureContext(options) };
}

function listen(server: Server, host: string, sni: Running['sni']): Promise<Running> {
  const sockets = new Set<Socket>();
  let maxOpen = 0;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    maxOpen = Math.max(maxOpen, sockets.size);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        host,
        sni,
        get maxOpen() {
          return maxOpen;
        },
        open: () => sockets.size,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export type Flavour = 'smtp' | 'imap' | 'pop3' | 'sieve';

export interface DialogueOptions {
  offer?: boolean; // advertise STARTTLS (default true)
  refuse?: boolean; // answer STARTTLS with an error
  inject?: boolean; // send bytes after the go-ahead
}

/** Replies per flavour: greeting, capability answer (by command), go-ahead or refusal. */
function script(flavour: Flavour, o: DialogueOptions): { greeting: string[]; reply(line: string): { out: string; upgrade?: boolean; end?: boolean } } {
  const offer = o.offer ?? true;
  switch (flavour) {
    case 'smtp':
      return {
        greeting: ['22', '0-mx.lab.test ESMTP test\r\n', '220 mx.lab.test ready\r\n'],
        reply(line) {
          const cmd = line.split(' ')[0]!.toUpperCase();
          if (cmd === 'EHLO') return { out: `250-mx.lab.test\r\n250-PIPELINING\r\n${offer ? '250-STARTTLS\r\n' : ''}250 8BITMIME\r\n` };
          if (cmd === 'STARTTLS') return o.refuse ? { out: '454 4.7.0 TLS not available due to local problem\r\n' } : { out: '220 2.0.0 Ready to start TLS\r\n', upgrade: true };
          if (cmd === 'QUIT') return { out: '221 2.0.0 Bye\r\n', end: true };
          return { out: '502 5.5.2 Error: command not recognized\r\n' };
        },
      };
    case 'imap':
      return {
        greeting: [`* OK [CAPABILITY IMAP4rev1${offer ? ' STARTTLS' : ''}] ready\r\n`],
        reply(line) {
          const [tag, cmd] = line.split(' ');
          if (cmd?.toUpperCase() === 'CAPABILITY') return { out: `* CAPABILITY IMAP4rev1 SASL-IR${offer ? ' STARTTLS' : ''} LOGINDISABLED\r\n${tag} OK done\r\n` };
          if (cmd?.toUpperCase() === 'STARTTLS') return o.refuse ? { out: `${tag} NO TLS unavailable\r\n` } : { out: `${tag} OK Begin TLS negotiation now.\r\n`, upgrade: true };
          if (cmd?.toUpperCase() === 'LOGOUT') return { out: `* BYE\r\n${tag} OK\r\n`, end: true };
          return { out: `${tag} BAD unknown\r\n` };
        },
      };
    case 'pop3':
      return {
        greeting: ['+OK POP3 ready\r\n'],
        reply(line) {
          const cmd = line.toUpperCase();
          if (cmd === 'CAPA') return { out: `+OK\r\nTOP\r\n${offer ? 'STLS\r\n' : ''}UIDL\r\n.\r\n` };
          if (cmd === 'STLS') return o.refuse ? { out: '-ERR not now\r\n' } : { out: '+OK Begin TLS negotiation now.\r\n', upgrade: true };
          if (cmd === 'QUIT') return { out: '+OK bye\r\n', end: true };
          return { out: '-ERR unknown\r\n' };
        },
      };
    case 'sieve':
      return {
        greeting: [`"IMPLEMENTATION" "test sieve"\r\n"SIEVE" "fileinto reject"\r\n${offer ? '"STARTTLS"\r\n' : ''}"VERSION" "1.0"\r\nOK "ready."\r\n`],
        reply(line) {
          const cmd = line.toUpperCase();
          if (cmd === 'STARTTLS') return o.refuse ? { out: 'NO "TLS unavailable"\r\n' } : { out: 'OK "Begin TLS negotiation now."\r\n', upgrade: true };
          if (cmd === 'LOGOUT') return { out: 'OK "bye"\r\n', end: true };
          return { out: 'NO "unknown"\r\n' };
        },
      };
  }
}

/** A STARTTLS server of one flavour; the greeting is sent in pieces to exercise line reassembly. */
export function startTlsServer(flavour: Flavour, tls: ServerTls, o: DialogueOptions = {}, host = '127.0.0.1'): Promise<Running> {
  const sni: Running['sni'] = [];
  const server = createNetServer((sock) => {
    const s = script(flavour, o);
    let i = 0;
    const writeGreeting = () => {
      if (sock.destroyed) return;
      sock.write(s.greeting[i++]!);
      if (i < s.greeting.length) setTimeout(writeGreeting, 5);
    };
    writeGreeting();
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        const r = s.reply(line);
        sock.write(r.out + (r.upgrade && o.inject ? 'EVIL' : ''));
        if (r.end) return void sock.end();
        if (r.upgrade) {
          sock.off('data', onData);
          const secure = new TLSSocket(sock, {
            isServer: true,
            secureContext: tls.ctx,
            SNICallback: (name, cb) => {
              sni.push(name);
              cb(null, tls.ctx);
            },
          });
          secure.on('error', () => {});
          return;
        }
      }
    };
    sock.on('data', onData);
  });
  return listen(server, host, sni);
}

export function implicitTlsServer(tls: ServerTls, host = '127.0.0.1'): Promise<Running> {
  const sni: Running['sni'] = [];
  // SNI is recorded from the ClientHello: the probe may hang up before the server's handshake ends.
  const SNICallback = (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
    sni.push(name);
    cb(null, tls.ctx);
  };
  const server = createTlsServer({ ...tls.options, SNICallback }, (s) => {
    s.on('error', () => {});
    s.end('* OK ready\r\n');
  });
  server.on('tlsClientError', () => {});
  return listen(server, host, sni);
}

/**
 * Accepts and then misbehaves: `silent` never writes, `close` hangs up, `garbage` sends nonsense,
 * `drip` sends an endless multi-line SMTP greeting, one line every 50 ms.
 */
export function rudeServer(kind: 'silent' | 'close' | 'garbage' | 'drip', host = '127.0.0.1'): Promise<Running> {
  const server = createNetServer((sock) => {
    if (kind === 'close') sock.destroy();
    else if (kind === 'garbage') sock.write('HTTP/1.1 400 Bad Request\r\n\r\n');
    else if (kind === 'drip') {
      const timer = setInterval(() => sock.write('220-still greeting\r\n'), 50);
      sock.on('close', () => clearInterval(timer));
    }
  });
  return listen(server, host, []);
}

/** A port on which nothing listens (bound, then closed). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const r = await listen(createNetServer(), host, []);
  await r.close();
  return r.port;
}
