// The SSH HostSession: connect (with pinned host keys, key or agent auth, optional jump hosts)
// and get one session carrying SFTP and exec over one connection.
import type { Host } from '../../inventory/types.ts';
import type { HostSession } from '../types.ts';
import { openChain, type ConnectOptions } from './connect.ts';
import { SshSession } from './session.ts';

export type { ConnectOptions, SshTimeouts, JumpLease, JumpProvider } from './connect.ts';
export { JumpPool } from './jump-pool.ts';
export { SshSession } from './session.ts';
export { fingerprint, parsePinnedKey, type PinnedKey } from './host-keys.ts';
export { quoteArg, quoteArgv, remoteCommand } from './quote.ts';

/**
 * Opens one authenticated SSH connection to `host` (through its jump host, if any). Rejects
 * with a TransportError (SSH_HOST_KEY_MISMATCH, SSH_HOST_KEY_UNKNOWN, SSH_AUTH_FAILED,
 * SSH_REFUSED, SSH_TIMEOUT, SSH_DNS, SSH_PROTOCOL, SSH_CONFIG). No channel is opened before
 * every hop's host key matched its pins and authentication succeeded.
 */
export async function connectHost(host: Host, opts: ConnectOptions): Promise<HostSession & SshSession> {
  return new SshSession(host, await openChain(host, opts), opts.timeouts);
}
