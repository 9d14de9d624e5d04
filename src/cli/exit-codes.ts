// Exit codes, as DESIGN.md fixes them.
export const EXIT = {
  ok: 0,
  error: 1,
  /** With --detailed-exitcode: changes pending or drift found. */
  changes: 2,
  /** A saved plan no longer matches the world. */
  stalePlan: 3,
  /** A safety guard refused. */
  guard: 4,
  /** Apply partly failed: some hosts done, some rolled back. */
  partial: 5,
} as const;
