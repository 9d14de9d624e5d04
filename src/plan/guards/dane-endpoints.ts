// Which DANE owners a change touches, and which SPKIs it will put on the wire there.
import type { Live } from '../../state/types.ts';
import type { Change, Desired } from '../types.ts';
import { serviceLive } from '../live-lookup.ts';

export interface DaneTouch {
  owner: string;
  host: string;
  service: string;
  port: number;
  sni: string;
  /** SPKI the change will serve there. */
  spki: string;
  /** SPKIs served there now. */
  servedNow: string[];
  changeId: string;
}

export function daneTouches(desired: Desired, live: Live, changes: Change[]): DaneTouch[] {
  const out: DaneTouch[] = [];
  for (const c of changes) {
    if (c.action !== 'deploy' && c.action !== 'reload') continue;
    const services = c.target.services ?? (c.target.service ? [c.target.service] : []);
    for (const svc of services) {
      const ds = desired.services.find((s) => s.host === c.target.host && s.service === svc);
      if (!ds) continue;
      const spkis = c.action === 'deploy' ? [c.after.spki ?? ''] : ds.sets.map((s) => s.keySpki);
      const probes = serviceLive(live, ds.host, ds.service)?.probes ?? [];
      for (const e of ds.endpoints) {
        if (!e.dane) continue;
        const owner = `_${e.port}._tcp.${e.sni.toLowerCase().replace(/\.$/, '')}`;
        const servedNow = [
          ...new Set(probes.filter((p) => p.ok && p.port === e.port && p.sni === e.sni).map((p) => p.chain?.[0]?.spki ?? '')),
        ].filter(Boolean);
        for (const spki of spkis) out.push({ owner, host: ds.host, service: ds.service, port: e.port, sni: e.sni, spki, servedNow, changeId: c.id });
      }
    }
  }
  return out;
}
