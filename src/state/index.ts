// Live state: sessions (one per host per run), gather (Inventory → Live), the status report
// and findings, the TLSA history. (The read side of plan/apply in one call, computePlan, is the
// CLI's composition root: src/cli/run-plan.ts.)
export type * from './types.ts';
export { SessionCache, HostUnavailableError, type SessionCacheOptions } from './sessions.ts';
export { gather, gatheredHosts, DEFAULT_PARALLELISM, type GatherOptions } from './gather.ts';
export { readFileSet } from './file-facts.ts';
export { statusFindings, effectiveRecords, diskLeafFor, servedAlgorithm } from './findings.ts';
export { buildStatusReport, lastApplied, problemJson, STATUS_FORMAT_VERSION } from './status-report.ts';
export type { StatusReport, ServiceView, EndpointView, FileView, CertView, TlsaView, LastApplied } from './status-report.ts';
export { renderStatusText, statusSummaryLine } from './status-text.ts';
