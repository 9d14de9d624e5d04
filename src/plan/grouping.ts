// Services on one host that share a key form one group: deployed and reloaded in one step
// (Postfix 25/465/587 and Dovecot 993/995 reading the same key must never disagree).
import type { DesiredService } from './types.ts';

export interface GroupOf {
  /** `host/svcA+svcB`, services sorted by name. */
  id: string;
  host: string;
  /** In inventory order. */
  services: string[];
  keySpkis: string[];
}

/** service key `host/service` → its group. Union of services connected by any shared key. */
export function groupServices(services: DesiredService[]): Map<string, GroupOf> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let p = parent.get(x) ?? x;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    parent.set(x, p);
    return p;
  };
  const byKey = new Map<string, string>();
  for (const s of services) {
    const me = `${s.host}/${s.service}`;
    parent.set(me, find(me));
    for (const set of s.sets) {
      const k = `${s.host}|${set.keySpki}`;
      const other = byKey.get(k);
      if (other) parent.set(find(me), find(other));
      else byKey.set(k, me);
    }
  }
  const members = new Map<string, DesiredService[]>();
  for (const s of services) {
    const root = find(`${s.host}/${s.service}`);
    members.set(root, [...(members.get(root) ?? []), s]);
  }
  const out = new Map<string, GroupOf>();
  for (const list of members.values()) {
    const host = (list[0] as DesiredService).host;
    const names = list.map((s) => s.service);
    const g: GroupOf = {
      id: `${host}/${[...names].sort().join('+')}`,
      host,
      services: names,
      keySpkis: [...new Set(list.flatMap((s) => s.sets.map((x) => x.keySpki)))].sort(),
    };
    for (const s of list) out.set(`${s.host}/${s.service}`, g);
  }
  return out;
}
