import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ClaimResult,
  type DeliveryLedger,
  type LedgerRecord,
  newClaim,
} from '../core/delivery/ledger.js';
import { conditionally, dynamoError, explained, isConditionFailure } from './dynamodb.js';

/** Ledger records expire a little over a year after the issue, by DynamoDB TTL. */
const RETENTION_SECONDS = 400 * 24 * 3600;

/**
 * The ledger on DynamoDB: partition key `issueId`, sort key `recipient`. A claim is a conditional
 * put (`attribute_not_exists`), so two senders can never both claim one recipient; when the
 * condition fails the existing record comes back in the same call.
 */
export class DynamoLedger implements DeliveryLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(issueId: string, recipient: string, now: string): Promise<ClaimResult> {
    const item = {
      ...newClaim(issueId, recipient, now),
      expiresAt: Math.floor(Date.parse(now) / 1000) + RETENTION_SECONDS,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(issueId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (isConditionFailure(error)) {
        const existing = (error as { Item?: Record<string, unknown> }).Item;
        return {
          claimed: false,
          existing: existing ? fromItem(existing) : ((await this.get(issueId, recipient)) as LedgerRecord),
        };
      }
      throw dynamoError(error, this.table);
    }
  }

  async reclaim(
    issueId: string,
    recipient: string,
    now: string,
    from: 'claimed' | 'failed' = 'claimed',
  ): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { issueId, recipient },
          UpdateExpression:
            'SET attempts = attempts + :one, claimedAt = :now, updatedAt = :now, #status = :claimed REMOVE reason',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':claimed': 'claimed', ':from': from },
        }),
      ),
    );
  }

  markSent(issueId: string, recipient: string, messageId: string, now: string): Promise<void> {
    return this.settle(issueId, recipient, { status: 'sent', messageId, updatedAt: now });
  }

  markFailed(issueId: string, recipient: string, reason: string, now: string): Promise<void> {
    return this.settle(issueId, recipient, { status: 'failed', reason, updatedAt: now });
  }

  async release(issueId: string, recipient: string): Promise<void> {
    // A record that is no longer a claim (it has an outcome) is left as it is.
    await conditionally(this.table, () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { issueId, recipient },
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      ),
    );
  }

  async get(issueId: string, recipient: string): Promise<LedgerRecord | undefined> {
    const { Item } = await explained(this.table, () =>
      this.client.send(
        new GetCommand({ TableName: this.table, Key: { issueId, recipient }, ConsistentRead: true }),
      ),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async *records(issueId: string): AsyncIterable<LedgerRecord> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'issueId = :issue',
        ExpressionAttributeValues: { ':issue': issueId },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) yield fromItem(item);
  }

  async close(): Promise<void> {}

  /** Records an outcome; only a claimed record can get one, so an outcome is never overwritten. */
  private async settle(issueId: string, recipient: string, change: Partial<LedgerRecord>): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':claimed': 'claimed' };
    const sets: string[] = [];
    for (const [field, value] of Object.entries(change)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    await explained(this.table, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { issueId, recipient },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }
}

function fromItem(item: Record<string, unknown>): LedgerRecord {
  const { expiresAt: _expiresAt, ...record } = item;
  return record as unknown as LedgerRecord;
}
