import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, explained } from './dynamodb.js';

/** Where the weekly run is with one issue: recipients being queued, or all queued. */
export interface IssueRecord {
  issueId: string;
  status: 'enqueuing' | 'enqueued';
  subject: string;
  items: number;
  recipients?: number;
  batches?: number;
  updatedAt: string;
}

/** One record per issue, so a second run for the same week can tell that the first one finished. */
export class DynamoIssueStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(issueId: string): Promise<IssueRecord | undefined> {
    const { Item } = await explained(this.table, () =>
      this.client.send(new GetCommand({ TableName: this.table, Key: { issueId }, ConsistentRead: true })),
    );
    return Item as IssueRecord | undefined;
  }

  /** Records that queueing has begun; false when another run already finished it. */
  async begin(record: Omit<IssueRecord, 'status'>): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...record, status: 'enqueuing' },
          ConditionExpression: 'attribute_not_exists(issueId) OR #status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'enqueued' },
        }),
      ),
    );
  }

  async finish(record: Omit<IssueRecord, 'status'>): Promise<void> {
    await explained(this.table, () =>
      this.client.send(new PutCommand({ TableName: this.table, Item: { ...record, status: 'enqueued' } })),
    );
  }
}
