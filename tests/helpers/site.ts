import { MemoryRateLimiter } from '../../src/adapters/rate-limit-memory.js';
import { forgottenKey, type Subscriber } from '../../src/core/delivery/subscriber.js';
import type { SitePorts } from '../../src/site/router.js';

/** Subscribers in a Map, with the store's `update` contract (the forgotten entry stands in for an erased address). */
export class MemorySubscribers {
  readonly rows = new Map<string, Subscriber>();

  async update<T>(
    email: string,
    change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T> {
    const { write, result } = change(this.rows.get(email) ?? this.rows.get(forgottenKey(email)));
    if (write) this.rows.set(write.email, write);
    return result;
  }
}

/** The site's ports over memory: what the pages did is in `unsubscribed`, `sent` and `rows`. */
export function memorySitePorts(options: { secret: string; listId: string; newsletterName?: string }) {
  const subscribers = new MemorySubscribers();
  const unsubscribed: string[] = [];
  const sent: { to: string; url: string }[] = [];
  let clock = new Date('2026-11-25T10:00:00Z');
  const ports: SitePorts = {
    secret: async () => options.secret,
    listId: options.listId,
    newsletterName: options.newsletterName ?? 'Metals <Weekly>',
    store: subscribers,
    limiter: new MemoryRateLimiter(),
    confirmUrl: (token) => `https://list.example.com/confirm?t=${encodeURIComponent(token)}`,
    sendConfirmation: async (to, url) => {
      sent.push({ to, url });
    },
    now: () => clock,
    log: () => {},
    unsubscribe: async (email) => {
      unsubscribed.push(email);
    },
    siteUrl: 'https://list.example.com',
    archive: {
      issues: async () => [
        {
          issueId: '2026-W47',
          subject: 'Copper',
          preheader: 'Smelters',
          publishedAt: '2026-11-23T08:00:00Z',
        },
      ],
      html: async (issueId) => (issueId === '2026-W47' ? '<p>archived</p>' : undefined),
    },
  };
  return {
    ports,
    rows: subscribers.rows,
    unsubscribed,
    sent,
    /** Moves the clock on. */
    advance: (minutes: number) => {
      clock = new Date(clock.getTime() + minutes * 60_000);
    },
  };
}
