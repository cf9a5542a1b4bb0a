/** Time source for rate limiting and backoff, replaceable in tests. */
export interface Clock {
  now(): number;
  /** Waits `ms`, or less when `signal` aborts (a stopped run does not wait for its turn). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A token bucket: at most `ratePerSecond` sends per second on average, with bursts of up to
 * `burst`. Callers queue in order, so no caller starves.
 *
 * @example
 * const bucket = new TokenBucket(14); // SES's default production rate
 * await bucket.take();
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.min(ratePerSecond, 50)),
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = 1;
    this.last = clock.now();
  }

  /** Waits for a token; returns at once, without one, when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => (signal?.aborted ? undefined : this.takeOne(signal)));
    this.queue = turn;
    return turn;
  }

  private async takeOne(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(((1 - this.tokens) / this.ratePerSecond) * 1000, signal);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 20_000, maxAttempts: 8 };

/** "Full jitter": a random wait between 0 and the capped exponential bound. */
export function fullJitterDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
}
