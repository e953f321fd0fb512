let lastTime = '';
let lastMillis = Number.NaN;
/** The last time parsed by Date.parse, up to its seconds ("2026-12-04T19:33:01"), and that second's epoch milliseconds. */
let second = '';
let secondMillis = Number.NaN;

/**
 * A progress event's `time` (ISO 8601, as isoTime writes it) as epoch milliseconds. A task's
 * events mostly share one time, and a loop's tasks one second, so the last time and the last
 * second are remembered and Date.parse runs about once a second.
 */
export function eventMillis(time: string): number {
  if (time === lastTime) return lastMillis;
  let millis: number;
  if (second !== '' && time.length === 24 && time.charCodeAt(19) === 0x2e && time.charCodeAt(23) === 0x5a && time.startsWith(second) && digits(time) >= 0) millis = secondMillis + digits(time);
  else {
    millis = Date.parse(time);
    if (time.length === 24 && time.charCodeAt(19) === 0x2e && time.charCodeAt(23) === 0x5a && digits(time) >= 0 && !Number.isNaN(millis)) {
      second = time.slice(0, 19);
      secondMillis = millis - digits(time);
    }
  }
  lastTime = time;
  lastMillis = millis;
  return millis;
}

/** The milliseconds of "….mmmZ", or -1 when they are not three digits. */
function digits(time: string): number {
  const a = time.charCodeAt(20) - 0x30;
  const b = time.charCodeAt(21) - 0x30;
  const c = time.charCodeAt(22) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 ? a * 100 + b * 10 + c : -1;
}
