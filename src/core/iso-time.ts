let lastEpochMs = Number.NaN;
let lastIso = '';

/**
 * An epoch-milliseconds time as ISO 8601. Every task stamps several events within the same
 * millisecond, so the last conversion is remembered (formatting a Date is a hot-path cost).
 */
export function isoTime(epochMs: number): string {
  if (epochMs !== lastEpochMs) {
    lastIso = new Date(epochMs).toISOString();
    lastEpochMs = epochMs;
  }
  return lastIso;
}
