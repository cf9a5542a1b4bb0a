import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachConcurrent } from '../core/concurrency.js';
import { maskAddress } from '../core/delivery/address.js';
import {
  type ImportOutcome,
  type ImportRow,
  knownStatus,
  mergeImport,
  type Subscriber,
  type SubscriberStatus,
  type SubscriberStore,
  unknownStatusReason,
} from '../core/delivery/subscriber.js';
import { conditionally, dynamoError, explained, isConditionFailure } from './dynamodb.js';

/**
 * Subscribers in a DynamoDB table keyed by the normalised address (`email`). Adding is a
 * conditional put, so an import can never overwrite, and so never resurrect, an address that
 * unsubscribed, bounced or complained. An item whose status this version does not know (see
 * `knownStatus`) is suppressed: never handed out, left alone by imports, reported to `onSkipped`.
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

  async setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { email },
          UpdateExpression: 'SET #status = :status, updatedAt = :now',
          ConditionExpression: 'attribute_exists(email)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': now },
        }),
      ),
    );
  }

  // Stand-ins until the stores implement the public site's lifecycle (issue 13).
  async update<T>(
    _email: string,
    _change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T> {
    throw new Error('not implemented yet');
  }

  async forget(_email: string, _now: string): Promise<boolean> {
    throw new Error('not implemented yet');
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
      return 'added';
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
          new PutCommand({
            TableName: this.table,
            Item: subscriber,
            ConditionExpression: '#status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          }),
        ),
      );
      return updated ? 'updated' : 'kept-suppressed';
    }
  }
}

/** The item as a subscriber, or undefined when its status is not one this version knows. */
function asSubscriber(item: Record<string, unknown>): Subscriber | undefined {
  const status = knownStatus(item.status);
  return status && typeof item.email === 'string' ? ({ ...item, status } as Subscriber) : undefined;
}

function skipReason(item: Record<string, unknown>): string {
  const address = typeof item.email === 'string' ? maskAddress(item.email) : 'an item without an address';
  return `${address}: ${unknownStatusReason(String(item.status ?? ''))} — kept as it is and not mailed`;
}
