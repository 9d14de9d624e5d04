// Health of one component: its process (by PID file and program) and each of its endpoints.
import { livePid } from './procs.ts';
import { querySoa, tcpOpen, tlsHello } from './net.ts';
import type { Component, Endpoint } from './components.ts';

export interface EndpointHealth {
  label: string;
  address: string;
  port: number;
  ok: boolean;
  /** Implicit-TLS endpoints, when asked: did a handshake succeed. */
  tlsOk?: boolean;
  detail: string;
}

export interface ComponentHealth {
  id: string;
  host: string;
  pid?: number;
  running: boolean;
  healthy: boolean;
  endpoints: EndpointHealth[];
  note?: string;
}

export async function checkEndpoint(e: Endpoint, withTls = false): Promise<EndpointHealth> {
  const base = { label: e.label, address: e.address, port: e.port };
  if (e.kind === 'tcp' || e.kind === 'tls') {
    const ok = await tcpOpen(e.address, e.port);
    if (!ok) return { ...base, ok, detail: 'not accepting' };
    if (e.kind === 'tcp' || !withTls) return { ...base, ok, detail: 'accepting' };
    const hello = await tlsHello(e.address, e.port);
    return { ...base, ok, tlsOk: hello.ok, detail: `accepting, ${hello.detail}` };
  }
  const a = await querySoa(e.address, e.zone ?? '.');
  if (!a) return { ...base, ok: false, detail: 'no answer' };
  if (a.rcode !== 'NOERROR' || a.serial === undefined) return { ...base, ok: false, detail: `rcode ${a.rcode}` };
  if (e.ad && !a.ad) return { ...base, ok: false, detail: `serial ${a.serial}, AD clear (not validated)` };
  return { ...base, ok: true, detail: `serial ${a.serial}${a.ad ? ', AD' : ''}` };
}

export async function checkComponent(c: Component, withTls = false): Promise<ComponentHealth> {
  const pid = livePid(c.pidFile, c.program);
  const endpoints = await Promise.all(c.endpoints.map((e) => checkEndpoint(e, withTls)));
  const running = pid !== undefined;
  return { id: c.id, host: c.host, pid, running, healthy: running && endpoints.every((e) => e.ok), endpoints, note: c.note?.() };
}
