// The chain a server sent, as facts. Node links the peer's certificates by issuance
// (`issuerCertificate`), using only what the server sent: no local trust store is consulted.
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { CertFacts } from '../../state/types.ts';
import { certFacts } from '../../pki/facts.ts';

const MAX_DEPTH = 10;

export function servedCerts(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cert: X509Certificate | undefined = socket.getPeerX509Certificate();
  while (cert && out.length < MAX_DEPTH) {
    if (out.some((c) => c.raw.equals(cert!.raw))) break; // a self-signed root points at itself
    out.push(cert);
    cert = cert.issuerCertificate;
  }
  return out;
}

export function servedChain(socket: TLSSocket): CertFacts[] {
  return servedCerts(socket).map(certFacts);
}
