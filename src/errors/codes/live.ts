// Problem codes of the live area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const liveCodes: Record<string, CatalogEntry> = {
  // SSH transport (src/transport/ssh/). One connection per host; any of these stops that host.
  SSH_HOST_KEY_MISMATCH: {
    severity: 'error',
    title: 'SSH host key differs from the pinned key',
    hint: 'Nothing was read or written. If the host was re-keyed on purpose, verify the new key out of band (ssh-keyscan on the host itself) and update ssh.hostKeys.',
  },
  SSH_HOST_KEY_UNKNOWN: {
    severity: 'error',
    title: 'No pinned SSH host key for this host',
    hint: 'Nothing was read or written. Add the host key to ssh.hostKeys (the line ssh-keyscan prints), verified out of band.',
  },
  SSH_AUTH_FAILED: {
    severity: 'error',
    title: 'SSH authentication failed',
    hint: 'Check ssh.user and ssh.identity (or that SSH_AUTH_SOCK holds the key), and that the public key is in the authorized_keys of that user.',
  },
  SSH_REFUSED: {
    severity: 'error',
    title: 'SSH connection refused or unreachable',
    hint: 'Check the address and ssh.port, and that sshd runs and a firewall lets the connection through.',
  },
  SSH_TIMEOUT: {
    severity: 'error',
    title: 'SSH connection or operation timed out',
    hint: 'The host did not answer in time; check the network, or raise ssh.connect_timeout.',
  },
  SSH_DNS: {
    severity: 'error',
    title: 'SSH host name does not resolve',
    hint: 'Check the host name or give its addresses in the inventory.',
  },
  SSH_PROTOCOL: {
    severity: 'error',
    title: 'SSH protocol error',
    hint: 'The server closed the connection or no algorithm could be agreed; see the message.',
  },
  SSH_CONNECTION_LOST: {
    severity: 'error',
    title: 'SSH connection lost during an operation',
    hint: 'The operation may or may not have taken effect on the host; gather again before acting.',
  },
  HOST_OP_FAILED: {
    severity: 'error',
    title: 'A file operation or command on the host failed',
    hint: 'See the message for the path and the reason (permission, missing file, full disk).',
  },
  SSH_CONFIG: {
    severity: 'error',
    title: 'SSH settings cannot be used',
    hint: 'Fix the ssh settings of the host in the inventory (pinned key lines, identity, jump host).',
  },
};
