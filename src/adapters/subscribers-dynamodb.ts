import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachConcurrent } from '../core/concurrency.js';
import { maskAddress } from '../core/delivery/address.js';
import {
  checkUpdateWrite,
  forgottenKey,
  type ImportOutcome,
  type ImportRow,
  mayPurgeSignup,
  mergeImport,
  type Subscriber,
  SubscriberHeldError,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/delivery/subscriber.js';
import { DigestError } from '../core/errors.js';
import { conditionally, dynamoError, explained, isConditionFailure } from './dynamodb.js';
import {
  asSubscriber,
  changeOf,
  PENDING_EXPIRES_AT,
  REVISION,
  skipReason,
  statusChangeOf,
} from './subscribers-dynamodb-items.js';

/** How often `update` reads and decides again when another change got in between. */
const UPDATE_ATTEMPTS = 5;

/**
 * Subscribers in a DynamoDB table keyed by the normalised address (`email`). Adding is a
 * conditional put, so an import can never overwrite, and so never resurrect, an address that
 * unsubscribed, bounced or complained; nor an erased one, whose `forgotten` entry is keyed by
 * `forgottenKey`. An item whose status this version does not know (see `knownStatus`) is
 * suppressed: never handed out, left alone by imports, reported to `onSkipped`. A pending
 * sign-up's confirmation is kept in `confirmationNonce` and `confirmationSentAt`; attributes this
 * store does not know are kept through every change.
 */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly concurrency = 16,
    /** Told why an item is not handed out (address masked). */
    private readonly onSkipped: (reason: string) => void = () => {},
  ) {}

  async *all(): AsyncIterable<Subscriber> {
    try {
      for await (const page of paginateScan({ client: this.client }, { TableName: this.table })) {
        for (const item of page.Items ?? []) {
          const subscriber = asSubscriber(item);
          if (subscriber) yield subscriber;
          else this.onSkipped(skipReason(item));
        }
      }
    } catch (error) {
      throw dynamoError(error, this.table);
    }
  }

  /**
   * The current records of these addresses (100 per call, consistent reads): the sender reads
   * them again just before sending, so an unsubscribe since queueing is honoured. Addresses no
   * longer on the list, and items this version cannot use, are left out.
   */
  async current(emails: string[]): Promise<Subscriber[]> {
    const found: Subscriber[] = [];
    for (let start = 0; start < emails.length; start += 100) {
      let keys: Record<string, unknown>[] | undefined = emails
        .slice(start, start + 100)
        .map((email) => ({ email }));
      while (keys && keys.length > 0) {
        const response: BatchGetCommandOutput = await explained(this.table, () =>
          this.client.send(
            new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
          ),
        );
        for (const item of response.Responses?.[this.table] ?? []) {
          const subscriber = asSubscriber(item);
          if (subscriber) found.push(subscriber);
          else this.onSkipped(skipReason(item));
        }
        keys = response.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return found;
  }

  async get(email: string): Promise<Subscriber | undefined> {
    const item = await this.item(email);
    return item && asSubscriber(item);
  }

  async importRows(
    rows: AsyncIterable<ImportRow>,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void> {
    await forEachConcurrent(rows, this.concurrency, async (row) => onOutcome(row, await this.importOne(row)));
  }

  /** Any status but pending also drops the confirmation and the time to live: only pending items expire. */
  async setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new UpdateCommand({ TableName: this.table, Key: { email }, ...statusChangeOf(status, now) }),
      ),
    );
  }

  /**
   * Reads the address (and, when it has no item, its forgotten entry) with consistent reads,
   * decides, and writes on the condition that nothing changed since: the item's revision is the
   * one read, or there is still no item. When another change got in between, it reads and decides
   * again, up to `UPDATE_ATTEMPTS` times.
   */
  async update<T>(
    email: string,
    change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T> {
    for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
      const item = await this.item(email);
      const entry = item ? undefined : await this.item(forgottenKey(email));
      const seen = item ?? entry;
      const existing = seen && asSubscriber(seen);
      if (seen && !existing)
        throw new SubscriberHeldError(`DynamoDB ${this.table}: ${skipReason(seen, maskAddress(email))}`);
      const { write, result } = change(existing);
      if (!write) return result;
      checkUpdateWrite(email, write);
      if (item ? await this.rewrite(write, item) : await this.create(write, entry)) return result;
      // Writers that read at once would meet again at once: spread them.
      await sleep(Math.random() * 10 * attempt);
    }
    throw new DigestError(
      `DynamoDB ${this.table}: ${maskAddress(email)} kept changing while it was being updated (${UPDATE_ATTEMPTS} tries): try again`,
    );
  }

  /**
   * Writes the forgotten entry first, then deletes the address's item: whatever stops this half
   * way, the address is never left without suppression (run it again to finish the erasure).
   */
  async forget(email: string, now: string): Promise<boolean> {
    const entry: Subscriber = {
      email: forgottenKey(email),
      status: 'forgotten',
      createdAt: now,
      updatedAt: now,
    };
    await explained(this.table, () =>
      this.client.send(new PutCommand({ TableName: this.table, Item: entry })),
    );
    const { Attributes } = await explained(this.table, () =>
      this.client.send(new DeleteCommand({ TableName: this.table, Key: { email }, ReturnValues: 'ALL_OLD' })),
    );
    return Attributes !== undefined;
  }

  /**
   * What the table's time to live does some time after, at once: each pending item whose
   * `PENDING_EXPIRES_AT` has passed is deleted, on the condition that it still has (a sign-up
   * since then moved it).
   */
  async purgeExpired(now: Date): Promise<number> {
    const condition = {
      ConditionExpression: '#status = :pending AND #expires < :now',
      ExpressionAttributeNames: { '#status': 'status', '#expires': PENDING_EXPIRES_AT },
      ExpressionAttributeValues: { ':pending': 'pending', ':now': Math.floor(now.getTime() / 1000) },
    };
    let purged = 0;
    try {
      const pages = paginateScan(
        { client: this.client },
        {
          TableName: this.table,
          ProjectionExpression: 'email',
          FilterExpression: condition.ConditionExpression,
          ExpressionAttributeNames: condition.ExpressionAttributeNames,
          ExpressionAttributeValues: condition.ExpressionAttributeValues,
        },
      );
      for await (const page of pages) {
        await forEachConcurrent(page.Items ?? [], this.concurrency, async ({ email }) => {
          const deleted = await conditionally(this.table, () =>
            this.client.send(new DeleteCommand({ TableName: this.table, Key: { email }, ...condition })),
          );
          if (deleted) purged++;
        });
      }
    } catch (error) {
      throw error instanceof DigestError ? error : dynamoError(error, this.table);
    }
    return purged;
  }

  async close(): Promise<void> {}

  private async item(email: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await explained(this.table, () =>
      this.client.send(new GetCommand({ TableName: this.table, Key: { email }, ConsistentRead: true })),
    );
    return Item;
  }

  private async importOne(row: ImportRow): Promise<ImportOutcome> {
    const now = new Date().toISOString();
    // An erased address stays suppressed, unless it has an item again (which then decides).
    const entry = await this.item(forgottenKey(row.email));
    if (entry && !(await this.item(row.email))) return 'kept-suppressed';
    const { subscriber: added } = mergeImport(undefined, row, now);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: added,
          ConditionExpression: 'attribute_not_exists(email)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return (await this.forgottenSince(added, entry)) ? 'kept-suppressed' : 'added';
    } catch (error) {
      if (!isConditionFailure(error)) throw dynamoError(error, this.table);
      const item = (error as { Item?: Record<string, unknown> }).Item ?? (await this.item(row.email));
      const existing = item && asSubscriber(item);
      // An unknown status is suppressed (as is an item deleted since the put: nothing is written).
      if (!existing) return 'kept-suppressed';
      const { subscriber, outcome } = mergeImport(existing, row, now);
      if (outcome !== 'updated') return outcome;
      // Only an address that is still active may change: a concurrent unsubscribe wins.
      const updated = await conditionally(this.table, () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { email: subscriber.email },
            ...changeOf(subscriber, { condition: '#status = :active', values: { ':active': 'active' } }),
          }),
        ),
      );
      return updated ? 'updated' : 'kept-suppressed';
    }
  }

  /** Writes a change of an existing item if its revision is still the one read. */
  private rewrite(subscriber: Subscriber, read: Record<string, unknown>): Promise<boolean> {
    const revision = typeof read[REVISION] === 'number' ? read[REVISION] : undefined;
    const expires = mayPurgeSignup({
      status: String(read.status),
      mayPurge: read[PENDING_EXPIRES_AT] !== undefined,
    });
    return conditionally(this.table, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { email: subscriber.email },
          ...changeOf(subscriber, {
            condition:
              revision === undefined
                ? 'attribute_exists(email) AND attribute_not_exists(#revision)'
                : '#revision = :seen',
            values: revision === undefined ? {} : { ':seen': revision },
            revision: (revision ?? 0) + 1,
            expires,
          }),
        }),
      ),
    );
  }

  /**
   * Writes the item of an address that had none, if it still has none. A forget that ran between
   * the read of its entry and this write must win: the item is taken back and false returned, so
   * `update` decides again and sees the entry.
   */
  private async create(subscriber: Subscriber, entry: Record<string, unknown> | undefined): Promise<boolean> {
    const created = await conditionally(this.table, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { email: subscriber.email },
          ...changeOf(subscriber, {
            condition: 'attribute_not_exists(email)',
            revision: 1,
            expires: mayPurgeSignup(undefined),
          }),
        }),
      ),
    );
    return created && !(await this.forgottenSince(subscriber, entry));
  }

  /** Whether the address's forgotten entry is not the one read before `subscriber` was written; if so, takes that write back. */
  private async forgottenSince(
    subscriber: Subscriber,
    read: Record<string, unknown> | undefined,
  ): Promise<boolean> {
    const now = await this.item(forgottenKey(subscriber.email));
    if (!now || now.updatedAt === read?.updatedAt) return false;
    await conditionally(this.table, () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { email: subscriber.email },
          ConditionExpression: 'updatedAt = :written',
          ExpressionAttributeValues: { ':written': subscriber.updatedAt },
        }),
      ),
    );
    return true;
  }
}
