// A minimal implicit-TLS probe for unit tests (the real prober lives in src/probe/tls): it
// handshakes, takes the served leaf and reports its DER and SPKI SHA-256 as a ProbeResult.
import { X509Certificate, createHash } from 'node:crypto';
import { connect } from 'node:tls';
import type { ProbeResult } from '../../../../src/state/types.ts';
import type { VerifyEndpoint } from '../../../../src/apply/types.ts';

export function probeTls(e: VerifyEndpoint, timeoutMs = 2000): Promise<ProbeResult> {
  const base = { host: 'local', service: e.service, address: e.address, port: e.port, sni: e.sni };
  return new Promise((resolve) => {
    const sock = connect({ host: e.address, port: e.port, servername: e.sni, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ...base, ok: false, error: { code: 'timeout', message: `no handshake within ${timeoutMs} ms` } });
    }, timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = sock.getPeerCertificate().raw;
      sock.destroy();
      const x = new X509Certificate(raw);
      const h = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      resolve({
        ...base, ok: true, tlsVersion: 'TLS',
        chain: [{
          subject: x.subject, issuer: x.issuer, serial: x.serialNumber, names: [], notBefore: x.validFrom, notAfter: x.validTo,
          fingerprint: h(x.raw), spki: h(x.publicKey.export({ type: 'spki', format: 'der' })), keyAlgorithm: 'ecdsa', selfSigned: false,
        }],
      });
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ...base, ok: false, error: { code: err.code === 'ECONNREFUSED' ? 'refused' : 'handshake', message: err.message } });
    });
  });
}
