import { ClassicLevel } from 'classic-level';
import {
  type ClaimResult,
  type DeliveryLedger,
  type LedgerRecord,
  newClaim,
} from '../core/delivery/ledger.js';
import { DigestError } from '../core/errors.js';

/**
 * The local delivery ledger: a LevelDB folder. A claim is synced to disk before its message is
 * sent, and claims that arrive together are committed together, so the sync is shared by all
 * messages in flight.
 *
 * LevelDB locks its folder, so two `digest send` runs can never use one ledger at once.
 */
export class LevelLedger implements DeliveryLedger {
  private readonly pending = new Map<string, LedgerRecord | null>();
  private batch: { key: string; value: LedgerRecord | null }[] = [];
  /** The batch being synced now, and the one collecting writes to be synced after it. */
  private committing: Promise<void> = Promise.resolve();
  private nextCommit: Promise<void> | undefined;
  private readonly unsynced = new Set<Promise<void>>();
  private readonly locks = new Map<string, Promise<unknown>>();

  private constructor(private readonly db: ClassicLevel<string, LedgerRecord>) {}

  static async open(folder: string): Promise<LevelLedger> {
    const db = new ClassicLevel<string, LedgerRecord>(folder, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new DigestError(
        cause === 'LEVEL_LOCKED'
          ? `the ledger ${folder} is in use by another digest send: wait for it to finish`
          : `cannot open the ledger ${folder} (${cause ?? (error as Error).message}): check the folder and its permissions`,
        { cause: error },
      );
    }
    return new LevelLedger(db);
  }

  claim(issueId: string, recipient: string, now: string): Promise<ClaimResult> {
    return this.exclusive(key(issueId, recipient), async (k) => {
      const existing = await this.read(k);
      if (existing) return { claimed: false, existing };
      await this.write(k, newClaim(issueId, recipient, now));
      return { claimed: true };
    });
  }

  reclaim(
    issueId: string,
    recipient: string,
    now: string,
    from: 'claimed' | 'failed' = 'claimed',
  ): Promise<boolean> {
    return this.exclusive(key(issueId, recipient), async (k) => {
      const existing = await this.read(k);
      if (existing?.status !== from) return false;
      const { reason: _reason, ...rest } = existing;
      await this.write(k, {
        ...rest,
        status: 'claimed',
        attempts: existing.attempts + 1,
        claimedAt: now,
        updatedAt: now,
      });
      return true;
    });
  }

  markSent(issueId: string, recipient: string, messageId: string, now: string): Promise<void> {
    return this.update(issueId, recipient, { status: 'sent', messageId, updatedAt: now });
  }

  markFailed(issueId: string, recipient: string, reason: string, now: string): Promise<void> {
    return this.update(issueId, recipient, { status: 'failed', reason, updatedAt: now });
  }

  release(issueId: string, recipient: string): Promise<void> {
    return this.exclusive(key(issueId, recipient), (k) => this.writeNow(k, null));
  }

  get(issueId: string, recipient: string): Promise<LedgerRecord | undefined> {
    return this.read(key(issueId, recipient));
  }

  async *records(issueId: string): AsyncIterable<LedgerRecord> {
    await this.settled();
    for await (const [, value] of this.db.iterator({ gte: `${issueId}\u0000`, lt: `${issueId}\u0001` }))
      yield value;
  }

  async close(): Promise<void> {
    await this.settled();
    await this.db.close();
  }

  private update(issueId: string, recipient: string, change: Partial<LedgerRecord>): Promise<void> {
    return this.exclusive(key(issueId, recipient), async (k) => {
      const existing = await this.read(k);
      if (!existing)
        throw new DigestError(
          `ledger has no claim for a recipient of ${issueId}: the ledger was changed during the run`,
        );
      await this.writeNow(k, { ...existing, ...change });
    });
  }

  private async read(k: string): Promise<LedgerRecord | undefined> {
    if (this.pending.has(k)) return this.pending.get(k) ?? undefined;
    return this.db.get(k);
  }

  /**
   * Outcomes (sent, failed, released) are written without waiting for a disk sync: they survive
   * a crashed process, and a power cut can only turn one back into a claim, which is reported as
   * unconfirmed and never re-sent on its own. Claims are what prevent a second send, so they are
   * synced (below) before the message goes out. One sync per message instead of two.
   */
  private async writeNow(k: string, value: LedgerRecord | null): Promise<void> {
    this.pending.set(k, value);
    const writing = this.db.batch([value ? { type: 'put', key: k, value } : { type: 'del', key: k }], {
      sync: false,
    });
    this.unsynced.add(writing);
    try {
      await writing;
    } finally {
      this.unsynced.delete(writing);
      if (this.pending.get(k) === value) this.pending.delete(k);
    }
  }

  /** Queues a write and resolves once it is on disk. */
  private write(k: string, value: LedgerRecord | null): Promise<void> {
    this.pending.set(k, value);
    this.batch.push({ key: k, value });
    this.nextCommit ??= this.committing
      .catch(() => undefined)
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => {
        const batch = this.batch;
        this.batch = [];
        this.nextCommit = undefined;
        this.committing = this.commit(batch);
        return this.committing;
      });
    return this.nextCommit;
  }

  private async commit(batch: { key: string; value: LedgerRecord | null }[]): Promise<void> {
    try {
      await this.db.batch(
        batch.map(({ key: k, value }) =>
          value ? { type: 'put' as const, key: k, value } : { type: 'del' as const, key: k },
        ),
        { sync: true },
      );
    } finally {
      for (const { key: k, value } of batch) if (this.pending.get(k) === value) this.pending.delete(k);
    }
  }

  private async settled(): Promise<void> {
    await Promise.allSettled([...this.unsynced]);
    await this.nextCommit?.catch(() => undefined);
    await this.committing.catch(() => undefined);
  }

  /** Runs `work` with no other operation on the same key in between. */
  private exclusive<T>(k: string, work: (k: string) => Promise<T>): Promise<T> {
    const previous = this.locks.get(k) ?? Promise.resolve();
    const run = previous.then(() => work(k));
    const settled = run.catch(() => undefined);
    this.locks.set(k, settled);
    void settled.then(() => {
      if (this.locks.get(k) === settled) this.locks.delete(k);
    });
    return run;
  }
}

function key(issueId: string, recipient: string): string {
  return `${issueId}\u0000${recipient}`;
}
