// A stand-in daemon for unit tests: a node TLS server that loads its certificate and key from
// files and reloads them on SIGHUP, like Postfix/Dovecot on `reload`. Usage:
//   node --import tsx tls-server.ts <cert> <key> <reloadCountFile> [<cert2> <key2>]
// Prints `port <n>` once listening. Each reload appends a line to <reloadCountFile>. With a
// second pair it serves both (e.g. ECDSA and RSA; the client's signature algorithms choose).
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:tls';

const [certPath, keyPath, countFile, ...more] = process.argv.slice(2) as [string, string, string, ...string[]];
const certs = [certPath, ...more.filter((_, i) => i % 2 === 0)];
const keys = [keyPath, ...more.filter((_, i) => i % 2 === 1)];
const load = () => ({ cert: certs.map((p) => readFileSync(p)), key: keys.map((p) => readFileSync(p)) });
const server = createServer(load(), (sock) => sock.end());
server.on('tlsClientError', () => {});
process.on('SIGHUP', () => {
  try {
    server.setSecureContext(load());
    appendFileSync(countFile, 'reload\n');
  } catch (err) {
    appendFileSync(countFile, `failed ${(err as Error).message}\n`);
  }
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`port ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
