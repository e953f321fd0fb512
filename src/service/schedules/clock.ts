/** Time for schedules: real in the service, replaceable in tests (cron fires at most once a minute). */
export interface ScheduleClock {
  now(): number;
  /** Calls `fire` once the clock reaches `epochMs`; the returned function cancels it. */
  at(epochMs: number, fire: () => void): () => void;
}

/** setTimeout caps delays at 2^31-1 ms (about 24.8 days): longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  at(epochMs, fire) {
    let timer: NodeJS.Timeout;
    const arm = (): void => {
      const delay = epochMs - Date.now();
      timer = setTimeout(() => (Date.now() >= epochMs ? fire() : arm()), Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    };
    arm();
    return () => clearTimeout(timer);
  },
};
