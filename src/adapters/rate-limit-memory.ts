import { counterFor, type RateLimiter } from '../core/delivery/abuse-limits.js';

/** Counters in this process's memory (`digest serve`); expired ones are dropped as new ones come. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, { hits: number; expiresAt: number }>();

  async allow(key: string, limit: { count: number; windowSeconds: number }, now: Date): Promise<boolean> {
    const seconds = now.getTime() / 1000;
    if (this.counters.size > 10_000) {
      for (const [id, counter] of this.counters) if (counter.expiresAt <= seconds) this.counters.delete(id);
    }
    const { id, expiresAt } = counterFor(key, limit, now);
    const counter = this.counters.get(id) ?? { hits: 0, expiresAt };
    if (counter.hits >= limit.count) return false;
    counter.hits++;
    this.counters.set(id, counter);
    return true;
  }
}
