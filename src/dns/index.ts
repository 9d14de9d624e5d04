// Registry of DNS providers: an explicit name → plugin map (no discovery, no dynamic import).
// A unit test keeps the keys equal to the folder names under src/dns/.
import type { DnsProvider } from './types.ts';
import { rfc2136 } from './rfc2136/index.ts';

export const dnsProviders: Readonly<Record<string, DnsProvider>> = {
  rfc2136,
};

export function dnsProvider(name: string): DnsProvider | undefined {
  return Object.hasOwn(dnsProviders, name) ? dnsProviders[name] : undefined;
}

export type { DnsProvider, ProviderCapabilities, PublishContext, PublishResult, RecordChanges, RR } from './types.ts';
