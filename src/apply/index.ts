// The apply engine's public surface (the CLI's `apply` and `unlock` verbs use these).
export type * from './types.ts';
export { deployGroup } from './transaction.ts';
export { buildRequests, type ExecutorInput, type HostRequests } from './executor.ts';
export { runApply, newRunId, defaultOwner, systemClock, DEFAULT_STATE_DIR, RESULT_FORMAT_VERSION } from './run.ts';
export type { HostWork, RunOptions, HostResult, HostOutcome, RunResult } from './run.ts';
export { applyPlan, recoverInterrupted, type ApplyPlanInput, type ApplyPlanResult, type RecoveryReport, type RecoveryInput, type RecoveryOutcome } from './apply-plan.ts';
export { withProgress, formatEvent, type ProgressOptions } from './progress.ts';
export { FileJournal, DEFAULT_JOURNAL_DIR, readUnfinished } from './journal.ts';
export { recover, recoverHost, decideGroup } from './recovery.ts';
export type { RunRecovery, HostRecovery, GroupRecovery, GroupRecoveryResult, RecoveryAction } from './recovery.ts';
export { acquireLock, releaseLock, readLock, forceUnlock, LockError, type LockInfo } from './lock.ts';
export { readManifest, type Manifest, type ManifestGroup } from './manifest.ts';
export { tlsProbe } from './probe-adapter.ts';
export { DEFAULT_VERIFY } from './verify.ts';
