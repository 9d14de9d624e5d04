// Checks a change set before any of it reaches an update script: names inside the zone and
// free of anything that could smuggle another script line in, well-formed TLSA/TXT data.
import type { RecordChanges, RR } from '../types.ts';
import { rrKey } from './script.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const NAME = /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\.?$/;

export function inZone(name: string, zone: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const z = zone.toLowerCase().replace(/\.$/, '');
  return n === z || n.endsWith(`.${z}`);
}

/** Every reason the change set cannot be sent; empty when it can. */
export function validateChanges(zone: string, changes: RecordChanges): string[] {
  const errors: string[] = [];
  for (const rr of [...changes.add, ...changes.remove]) {
    const why = checkRR(rr, zone);
    if (why) errors.push(`${rr.name} ${rr.type}: ${why}`);
  }
  if (errors.length) return errors;
  const adds = new Set(changes.add.map(rrKey));
  for (const rr of changes.remove) if (adds.has(rrKey(rr))) errors.push(`${rrKey(rr)} is both added and removed`);
  return errors;
}

function checkRR(rr: RR, zone: string): string | undefined {
  if (!NAME.test(rr.name)) return 'not a plain domain name';
  if (!inZone(rr.name, zone)) return `outside zone ${zone}`;
  if (!Number.isInteger(rr.ttl) || rr.ttl < 0 || rr.ttl > 2147483647) return `bad TTL ${rr.ttl}`;
  if (rr.type === 'TLSA') {
    const d = rr.data;
    if (![0, 1, 2, 3].includes(d.usage) || ![0, 1].includes(d.selector) || ![0, 1, 2].includes(d.matchingType)) {
      return `bad parameters ${d.usage} ${d.selector} ${d.matchingType}`;
    }
    if (!/^([0-9a-fA-F]{2})+$/.test(d.data)) return 'data is not hex';
    const want = d.matchingType === 1 ? 64 : d.matchingType === 2 ? 128 : undefined;
    if (want && d.data.length !== want) return `data has ${d.data.length} hex digits, matching type ${d.matchingType} needs ${want}`;
    if (d.data.toLowerCase() === EMPTY_SHA256) return 'data is the SHA-256 of empty input (a broken key extraction)';
    return undefined;
  }
  if (rr.type === 'TXT') {
    if (!rr.data.length) return 'no strings';
    for (const s of rr.data) {
      if (Buffer.byteLength(s) > 255) return 'a string is longer than 255 bytes';
      if ([...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'control characters in a string';
    }
    return undefined;
  }
  return `type ${(rr as { type: string }).type} is not supported`;
}
