// Forcing the server's certificate choice: a server with several certificates picks by the
// client's signature_algorithms (TLS 1.3 and 1.2) and by cipher suite authentication (TLS 1.2).
// We offer only what one key type can satisfy.
import type { KeyAlgorithm } from '../../inventory/types.ts';

const TLS13 = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

export interface AlgorithmOptions {
  sigalgs: string;
  ciphers: string;
}

export const algorithmOptions: Record<KeyAlgorithm, AlgorithmOptions> = {
  rsa: {
    sigalgs: [
      'rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512',
      'rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512',
      'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512',
    ].join(':'),
    ciphers: `${TLS13}:HIGH+aRSA`,
  },
  ecdsa: {
    sigalgs: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512',
    ciphers: `${TLS13}:HIGH+aECDSA`,
  },
  // TLS 1.2 Ed25519 uses the ECDSA cipher suites (RFC 8422).
  ed25519: { sigalgs: 'ed25519', ciphers: `${TLS13}:HIGH+aECDSA` },
};
