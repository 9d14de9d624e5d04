// pebble: the ACME server. Its HTTPS endpoint uses the lab's own CA; DNS-01 is checked against
// Knot (ns1) directly. No random sleeps, no random nonce rejections (tests must be repeatable).
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { ADDR, PEBBLE_ACME_PORT, PEBBLE_MGMT_PORT } from './layout.ts';
import type { Layout } from './layout.ts';

export function writePebbleConfig(l: Layout): void {
  const p = l.pebble;
  const conf = {
    pebble: {
      listenAddress: `${ADDR.pebble}:${PEBBLE_ACME_PORT}`,
      managementListenAddress: `${ADDR.pebble}:${PEBBLE_MGMT_PORT}`,
      certificate: p.cert,
      privateKey: p.key,
      httpPort: 5002,
      tlsPort: 5001,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  };
  writeFileSync(p.config, JSON.stringify(conf, null, 2) + '\n');
}

export function pebbleArgv(l: Layout): string[] {
  return ['pebble', '-config', l.pebble.config, '-dnsserver', `${ADDR.ns1}:53`];
}

export const PEBBLE_ENV = {
  PEBBLE_VA_NOSLEEP: '1',
  PEBBLE_WFE_NONCEREJECT: '0',
};

/** pebble makes a new issuing root on every start; keep the current one (PEM) for chain checks. */
export async function savePebbleRoot(l: Layout): Promise<void> {
  const ca = readFileSync(l.pebble.caCert);
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const req = httpsGet({ host: ADDR.pebble, port: PEBBLE_MGMT_PORT, path, ca, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`pebble ${path}: HTTP ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error(`pebble ${path}: timeout`)));
      req.on('error', reject);
    });
  writeFileSync(l.pebble.issuerRoot, await get('/roots/0'));
  writeFileSync(l.pebble.issuerIntermediate, await get('/intermediates/0'));
}
