// The DNS probe: a small dns-packet client and the TLSA/address views built on it.
export { query } from './client.ts';
export { DnsError } from './types.ts';
export type { DnsRecord, DnsErrorKind, QueryOptions, QueryResult, QueryType, RrsigData, SoaData } from './types.ts';
export { formatServer, parseServer } from './server.ts';
export { normalizeName } from './wire.ts';
export { gatherTlsa, answerErrorKind, recordKey, sortRecords, NO_RESPONSE } from './tlsa.ts';
export type { GatherTlsaOptions } from './tlsa.ts';
export { propagation, serialGt } from './propagation.ts';
export type { Propagation, PropagationExpect, ServerState } from './propagation.ts';
export { lookupAddresses, systemResolver } from './addresses.ts';
export type { AddressLookup } from './addresses.ts';
export { tlsaProblems, answerProblem } from './problems.ts';
