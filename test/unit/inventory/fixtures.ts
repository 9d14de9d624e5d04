// Small inventories for unit tests (the corpus holds the malformed ones).
export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvHSdyV8QkxR39W5SXqhhVHsncm5eYlmRTaXUNeowwc';

/** One host, one Postfix service with every default, one certificate. Line numbers matter. */
export function minimal(): string {
  return `version: 1
hosts:
  mx1:
    address: 192.0.2.1
    ssh:
      identity: env:SSH_KEY
      host_keys:
        - ${KEY}
    services:
      postfix:
        mode: postfix
        certificate: mail
certificates:
  mail:
    names: [mx1.example.org]
    source:
      type: files
      cert: certs/mail.pem
      key: env:MAIL_KEY
`;
}

export const ZONE = `dns:
  resolver: 127.0.0.53
  zones:
    example.org:
      provider: rfc2136
      primary: 192.0.2.53
      tsig: { name: mailtls, secret: env:TSIG }
`;
