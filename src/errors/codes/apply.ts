// Problem codes of the apply area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const applyCodes: Record<string, CatalogEntry> = {
  LOCK_HELD: {
    severity: 'error',
    title: 'another mailtls run holds the host lock',
    hint: 'wait for it to finish; if it died, check nothing runs and release it with `mailtls unlock HOST`',
  },
  LOCK_STALE: {
    severity: 'error',
    title: 'the host lock expired without being released (a run died)',
    hint: 'check nothing runs on the host, then `mailtls unlock HOST` (and `mailtls apply` again to recover)',
  },
  LOCK_FAILED: { severity: 'error', title: 'the host lock could not be taken or released' },
  APPLY_REQUEST_INVALID: {
    severity: 'error',
    title: 'the deploy request contradicts itself (two different contents for one file, …)',
  },
  APPLY_DEPENDENCY_PENDING: {
    severity: 'error',
    title: 'a change waits for another one (a TLSA publish) that has not been carried out',
    hint: 'run the DNS phase first, or apply the whole plan',
  },
  APPLY_INSPECT_FAILED: { severity: 'error', title: 'the current files could not be read' },
  APPLY_KEY_MISMATCH: {
    severity: 'error',
    title: 'the private key does not match the certificate',
    hint: 'the source delivered a key and certificate that do not belong together; nothing was written',
  },
  APPLY_CHAIN_ORDER: { severity: 'error', title: 'the chain is not in order (each certificate issued by the next)' },
  APPLY_NAME_MISSING: { severity: 'error', title: 'the certificate does not cover a required name' },
  APPLY_CERT_DATES: { severity: 'error', title: 'the certificate is expired or not yet valid' },
  APPLY_MATERIAL_UNPARSABLE: { severity: 'error', title: 'the desired files do not hold a certificate and a key' },
  APPLY_STAGE_FAILED: {
    severity: 'error',
    title: 'writing the new files beside the targets failed; nothing was changed',
    hint: 'check free space, permissions and read-only mounts on the host',
  },
  APPLY_BACKUP_FAILED: { severity: 'error', title: 'backing up the current files failed; nothing was changed' },
  APPLY_SWAP_FAILED: { severity: 'error', title: 'renaming the new files over the targets failed' },
  APPLY_VALIDATE_FAILED: {
    severity: 'error',
    title: "the daemon's own configuration check failed with the new files",
    hint: 'the old files were restored; run the check command on the host to see why',
  },
  APPLY_RELOAD_FAILED: { severity: 'error', title: 'a reload command failed' },
  APPLY_VERIFY_FAILED: {
    severity: 'error',
    title: 'an endpoint did not serve the new certificate after reload',
    hint: 'the daemon may read other files than the inventory says, or need a restart instead of a reload',
  },
  APPLY_MANIFEST_FAILED: { severity: 'warning', title: 'the last-applied manifest could not be written' },
  APPLY_CLEANUP_FAILED: { severity: 'warning', title: 'temporary or backup files could not be removed' },
  APPLY_ROLLED_BACK: { severity: 'error', title: 'the deploy failed and the old files were restored' },
  APPLY_ROLLBACK_FAILED: {
    severity: 'error',
    title: 'ROLLBACK FAILED: the host may serve a broken or new certificate',
    hint: 'restore by hand from the backup files named in the message, reload the daemons, then `mailtls unlock HOST`',
  },
  APPLY_HOST_FAILED: { severity: 'error', title: 'the host could not be worked on (connection, lock)' },
  APPLY_HOST_SKIPPED: { severity: 'warning', title: 'host skipped: the failure budget (--max-failures) was spent' },
  APPLY_RECOVERY_NEEDED: {
    severity: 'warning',
    title: 'an earlier apply stopped half-way on this host',
    hint: '`mailtls apply` completes or rolls it back before doing anything else',
  },
  APPLY_RECOVERY_FAILED: { severity: 'error', title: 'recovering an interrupted apply failed' },
  APPLY_NOT_CONFIRMED: {
    severity: 'error',
    title: 'apply was not approved: no terminal to ask on',
    hint: 'review `mailtls plan`, then pass --auto-approve, or save it with `--out plan.json` and `mailtls apply plan.json`',
  },
};
