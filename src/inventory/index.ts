// The inventory API. Everything else imports from here.
export { loadInventory, checkInventory, checkInventorySource, hasErrors } from './load.ts';
export type { CheckResult, LoadOptions } from './load.ts';
export { readSecret, parseSecretRef, formatSecretRef, secretPath } from './secrets.ts';
export { parseKnownHosts, keysFor, entryMatches, hostToken } from './known-hosts.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { zoneFor } from './resolve/zones.ts';
export { nameCovers } from './resolve/checks.ts';
export { renderResolved } from './render-resolved.ts';
export type * from './types.ts';
