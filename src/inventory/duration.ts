// Durations in the inventory: "30s", "10m", "12h", "2d", or a plain number of seconds.
const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds; undefined when the text is not a duration (the schema reports that). */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+)([smhd])$/.exec(value);
  return m ? Number(m[1]) * unit[m[2]!]! : undefined;
}

/** The shortest exact text for a number of seconds: 172800 → "2d". */
export function formatDuration(seconds: number): string {
  for (const u of ['d', 'h', 'm'] as const) if (seconds > 0 && seconds % unit[u]! === 0) return `${seconds / unit[u]!}${u}`;
  return `${seconds}s`;
}
