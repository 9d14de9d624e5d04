// --host / --exclude: which inventory hosts a plan covers. Certificate-source hosts (no
// services) are never "excluded" in the partial-plan sense: nothing is planned on them anyway.
import type { Inventory } from '../inventory/types.ts';

export interface HostSelection {
  /** Hosts to plan. */
  hosts: Set<string>;
  /** Hosts with services that the selection left out (the plan says it is partial). */
  excluded: string[];
  /** Names given that are not inventory hosts. */
  unknown: string[];
}

export function selectHosts(inventory: Inventory, only: readonly string[] = [], exclude: readonly string[] = []): HostSelection {
  const all = inventory.hosts.map((h) => h.name);
  const known = new Set(all);
  const unknown = [...only, ...exclude].filter((n) => !known.has(n));
  const hosts = new Set(all.filter((n) => (only.length === 0 || only.includes(n)) && !exclude.includes(n)));
  const excluded = inventory.hosts.filter((h) => h.services.length > 0 && !hosts.has(h.name)).map((h) => h.name).sort();
  return { hosts, excluded, unknown: [...new Set(unknown)].sort() };
}
