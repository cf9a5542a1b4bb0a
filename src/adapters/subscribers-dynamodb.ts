import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachConcurrent } from '../core/concurrency.js';
import {
  type ImportOutcome,
  type ImportRow,
  mergeImport,
  type Subscriber,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/subscriber.js';
import { conditionally, dynamoError, explained, isConditionFailure } from './dynamodb.js';

/**
 * Subscribers in a DynamoDB table keyed by the normalised address (`email`). Adding is a
 * conditional put, so an import can never overwrite, and so never resurrect, an address that
 * unsubscribed, bounced or complained.
 */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly concurrency = 16,
  ) {}

  async *all(): AsyncIterable<Subscriber> {
    try {
      for await (const page of paginateScan({ client: this.client }, { TableName: this.table })) {
        for (const item of page.Items ?? []) yield item as Subscriber;
      }
    } catch (error) {
      throw dynamoError(error, this.table);
    }
  }

  async get(email: string): Promise<Subscriber | undefined> {
    const { Item } = await explained(this.table, () =>
      this.client.send(new GetCommand({ TableName: this.table, Key: { email }, ConsistentRead: true })),
    );
    return Item as Subscriber | undefined;
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

  async close(): Promise<void> {}

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
      const existing = (error as { Item?: Subscriber }).Item ?? (await this.get(row.email));
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
