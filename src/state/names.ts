// uid/gid → names for display, per host. /etc/passwd and /etc/group are read once over SFTP
// (two small reads); only an id they do not list (LDAP, sssd…) goes to the session's
// `resolveNames` (getent over exec, a remote process per lookup, ~250 ms each on the lab).
import type { HostSession } from '../transport/types.ts';
import { findEntry } from '../transport/ids.ts';

export class HostNames {
  private readonly session: HostSession;
  private files?: Promise<{ passwd?: string; group?: string }>;

  constructor(session: HostSession) {
    this.session = session;
  }

  private read(): Promise<{ passwd?: string; group?: string }> {
    const text = (p: string) => this.session.readFile(p).then((b) => b.toString('utf8')).catch(() => undefined);
    this.files ??= Promise.all([text('/etc/passwd'), text('/etc/group')]).then(([passwd, group]) => ({
      ...(passwd !== undefined ? { passwd } : {}),
      ...(group !== undefined ? { group } : {}),
    }));
    return this.files;
  }

  async names(uid: number, gid: number): Promise<{ owner?: string; group?: string }> {
    const f = await this.read();
    const owner = f.passwd ? findEntry(f.passwd, String(uid))?.name : undefined;
    const group = f.group ? findEntry(f.group, String(gid))?.name : undefined;
    if (owner !== undefined && group !== undefined) return { owner, group };
    const viaSession = await this.session.resolveNames(uid, gid).catch(() => ({}) as { owner?: string; group?: string });
    const out: { owner?: string; group?: string } = {};
    const o = owner ?? viaSession.owner;
    const g = group ?? viaSession.group;
    if (o !== undefined) out.owner = o;
    if (g !== undefined) out.group = g;
    return out;
  }
}
