// TLSA expectations: every `dane: true` endpoint implies `_port._tcp.<sni>`; `dns.tlsa`
// entries refine one (scheme, parameters, hold) and must name a declared DANE endpoint.
import type { Defaulted, Host, Loc, TlsaExpectation, Zone } from '../types.ts';
import type { Problem } from '../../errors/problem.ts';
import { problem } from '../../errors/catalog.ts';
import type { RawInventory } from '../raw.ts';
import type { Path } from '../yaml-source.ts';
import { parseDuration } from '../duration.ts';
import { didYouMean } from '../did-you-mean.ts';
import type { Ctx } from './context.ts';
import { at, report } from './context.ts';
import { zoneFor } from './zones.ts';

export const TLSA_DEFAULTS = { port: 25, scheme: 'current+next', usage: 3, selector: 1, matching: 1, holdSeconds: 2 * 86400 } as const;

export function resolveTlsa(ctx: Ctx, raw: RawInventory, hosts: Host[], zones: Zone[]): TlsaExpectation[] {
  const byOwner = new Map<string, TlsaExpectation>();
  for (const host of hosts) {
    for (const svc of host.services) {
      for (const ep of svc.endpoints) {
        if (!ep.dane) continue;
        const owner = `_${ep.port}._tcp.${ep.sni.toLowerCase().replace(/\.$/, '')}`;
        let exp = byOwner.get(owner);
        if (!exp) {
          const zone = zoneFor(zones, ep.sni);
          if (!zone) {
            ctx.problems.push(tlsaNoZone(owner, zones, ep.loc));
          }
          exp = {
            owner, hostname: ep.sni, port: ep.port, zone: zone?.name ?? '',
            scheme: TLSA_DEFAULTS.scheme, usage: TLSA_DEFAULTS.usage, selector: TLSA_DEFAULTS.selector, matchingType: TLSA_DEFAULTS.matching,
            holdSeconds: TLSA_DEFAULTS.holdSeconds, servedBy: [],
            defaulted: { scheme: 'default', usage: 'default', selector: 'default', matching: 'default', hold: 'default', served_by: 'endpoints' },
            loc: ep.loc,
          };
          byOwner.set(owner, exp);
        }
        if (!exp.servedBy.some((s) => s.host === host.name && s.service === svc.name)) exp.servedBy.push({ host: host.name, service: svc.name });
      }
    }
  }
  const refined = new Map<string, Path>();
  (raw.dns?.tlsa ?? []).forEach((t, i) => {
    const path: Path = ['dns', 'tlsa', i];
    const port = t.port ?? TLSA_DEFAULTS.port;
    const owner = `_${port}._tcp.${t.name.toLowerCase().replace(/\.$/, '')}`;
    const exp = byOwner.get(owner);
    if (!exp) {
      const known = [...byOwner.values()].map((e) => e.hostname);
      const same = [...byOwner.values()].filter((e) => e.hostname === t.name).map((e) => e.port);
      const hint = same.length ? `; DANE endpoints for ${t.name} are on port ${same.join(', ')}` : didYouMean(t.name, known);
      report(ctx, 'TLSA_NO_ENDPOINT', `TLSA ${owner} matches no endpoint with dane: true${hint}`, [...path, 'name']);
      return;
    }
    if (refined.has(owner)) {
      report(ctx, 'TLSA_DUPLICATE', `TLSA ${owner} is already refined by dns.tlsa[${refined.get(owner)![2]}]`, path);
      return;
    }
    refined.set(owner, path);
    const d: Defaulted = exp.defaulted ?? {};
    const set = <K extends 'scheme' | 'usage' | 'selector' | 'matching'>(k: K, v: TlsaExpectation[K extends 'matching' ? 'matchingType' : K] | undefined) => {
      if (v === undefined) return;
      (exp as unknown as Record<string, unknown>)[k === 'matching' ? 'matchingType' : k] = v;
      delete d[k];
    };
    set('scheme', t.scheme);
    set('usage', t.usage);
    set('selector', t.selector);
    set('matching', t.matching);
    if (t.hold !== undefined) {
      exp.holdSeconds = parseDuration(t.hold) ?? exp.holdSeconds;
      delete d.hold;
    }
    if (t.served_by) {
      delete d.served_by;
      exp.servedBy = servedBy(ctx, t.served_by, exp, hosts, [...path, 'served_by']);
    }
    exp.loc = at(ctx, path);
  });
  return [...byOwner.values()];
}

function servedBy(ctx: Ctx, list: string[], exp: TlsaExpectation, hosts: Host[], path: Path): TlsaExpectation['servedBy'] {
  const out: TlsaExpectation['servedBy'] = [];
  list.forEach((item, i) => {
    const [hostName, svcName] = item.split('/') as [string, string];
    const host = hosts.find((h) => h.name === hostName);
    if (!host) return void report(ctx, 'UNKNOWN_HOST', `served_by host "${hostName}" is not declared${didYouMean(hostName, hosts.map((h) => h.name))}`, [...path, i]);
    const svc = host.services.find((s) => s.name === svcName);
    if (!svc) return void report(ctx, 'UNKNOWN_SERVICE', `host ${hostName} has no service "${svcName}"${didYouMean(svcName, host.services.map((s) => s.name))}`, [...path, i]);
    if (!exp.servedBy.some((s) => s.host === hostName && s.service === svcName)) {
      return void report(ctx, 'TLSA_NO_ENDPOINT', `${item} has no dane: true endpoint on port ${exp.port} for ${exp.hostname}`, [...path, i]);
    }
    out.push({ host: hostName, service: svcName });
  });
  return out;
}

function tlsaNoZone(owner: string, zones: Zone[], loc: Loc): Problem {
  const list = zones.length ? `declared zones: ${zones.map((z) => z.name).join(', ')}` : 'no dns.zones are declared';
  return problem('TLSA_NO_ZONE', `no DNS zone contains the TLSA owner ${owner} (${list}); declare the zone or set dane: false`, loc);
}
