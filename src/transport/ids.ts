// User/group names ↔ ids on a host. /etc/passwd and /etc/group are read once over SFTP (two
// small reads, no remote process); only a name or id they do not list (LDAP, sssd…) is asked of
// `getent` (argv, no shell) — a remote process per lookup costs ~250–600 ms on a real login.
// Cached per session: ids do not change while we work on a host.
import type { ExecResult } from './types.ts';

export interface IdSources {
  host: string;
  exec(argv: string[]): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
}

type Db = 'passwd' | 'group';

/** `name:x:id:…` lines → the entry whose name (field 0) or id (field 2) equals `key`. */
export function findEntry(text: string, key: string): { name: string; id: number } | undefined {
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !f[0] || !/^\d+$/.test(f[2] ?? '')) continue;
    if (f[0] === key || f[2] === key) return { name: f[0], id: Number(f[2]) };
  }
  return undefined;
}

export class IdResolver {
  private readonly cache = new Map<string, Promise<{ name: string; id: number } | undefined>>();
  private readonly src: IdSources;
  private readonly files = new Map<Db, Promise<string | undefined>>();
  constructor(src: IdSources) {
    this.src = src;
  }

  private lookup(db: Db, key: string): Promise<{ name: string; id: number } | undefined> {
    const k = `${db}:${key}`;
    let p = this.cache.get(k);
    if (!p) {
      p = this.query(db, key);
      this.cache.set(k, p);
      p.catch(() => this.cache.delete(k)); // a failed lookup is retried next time
    }
    return p;
  }

  private file(db: Db): Promise<string | undefined> {
    let p = this.files.get(db);
    if (!p) {
      p = this.src.readFile(`/etc/${db}`).then((b) => b.toString('utf8'), () => undefined);
      this.files.set(db, p);
    }
    return p;
  }

  private async query(db: Db, key: string): Promise<{ name: string; id: number } | undefined> {
    const text = await this.file(db);
    const local = text === undefined ? undefined : findEntry(text, key);
    if (local) return local;
    const r = await this.src.exec(['getent', db, key]);
    if (r.code === 0) return findEntry(r.stdout, key);
    if (r.code === 2) return undefined; // getent: key not found
    if (r.code === 127) return undefined; // no getent: the files were all there is
    throw new Error(`${this.src.host}: getent ${db} ${key} failed (exit ${r.code ?? r.signal ?? 'timeout'}): ${r.stderr.trim()}`);
  }

  async ids(owner: string, group: string): Promise<{ uid: number; gid: number }> {
    const [u, g] = await Promise.all([this.id('passwd', owner), this.id('group', group)]);
    return { uid: u, gid: g };
  }

  private async id(db: Db, name: string): Promise<number> {
    if (/^\d+$/.test(name)) return Number(name);
    const e = await this.lookup(db, name);
    if (!e) throw new Error(`${this.src.host}: no ${db === 'passwd' ? 'user' : 'group'} named ${name}`);
    return e.id;
  }

  async names(uid: number, gid: number): Promise<{ owner?: string; group?: string }> {
    const [u, g] = await Promise.all([this.lookup('passwd', String(uid)), this.lookup('group', String(gid))]);
    const out: { owner?: string; group?: string } = {};
    if (u) out.owner = u.name;
    if (g) out.group = g.name;
    return out;
  }
}
