// A stand-in daemon for unit tests: a node TLS server that loads its certificate and key from
// files and reloads them on SIGHUP, like Postfix/Dovecot on `reload`. Usage:
//   node --import tsx tls-server.ts <cert> <key> <reloadCountFile>
// Prints `port <n>` once listening. Each reload appends a line to <reloadCountFile>.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:tls';

const [certPath, keyPath, countFile] = process.argv.slice(2) as [string, string, string];
const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (sock) => sock.end());
server.on('tlsClientError', () => {});
process.on('SIGHUP', () => {
  try {
    server.setSecureContext({ cert: readFileSync(certPath), key: readFileSync(keyPath) });
    appendFileSync(countFile, 'reload\n');
  } catch (err) {
    appendFileSync(countFile, `failed ${(err as Error).message}\n`);
  }
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`port ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
