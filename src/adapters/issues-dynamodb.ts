import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IssueChange, IssueRecord, IssueStore } from '../core/delivery/approval.js';
import { conditionally, dynamoError, explained } from './dynamodb.js';

export type { IssueRecord } from '../core/delivery/approval.js';

/**
 * The Issues table: one item per issue (README "Approval" lists its fields), so that a second run
 * for the same week can tell what the first one did, and so that approval, holds and the release
 * window have one place to meet. Every change is a write conditional on the status it was decided
 * from (`src/core/delivery/approval.ts`).
 */
export class DynamoIssueStore implements IssueStore {
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

  /**
   * Records that queueing an issue built without approval has begun; false when another run
   * finished it, or when the issue is waiting for (or has) an approval.
   */
  async begin(record: Omit<IssueRecord, 'status'>): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...record, status: 'enqueuing', sendStartedAt: record.updatedAt },
          ConditionExpression:
            'attribute_not_exists(issueId) OR (#status = :enqueuing AND attribute_not_exists(#approval))',
          ExpressionAttributeNames: { '#status': 'status', '#approval': 'approval' },
          ExpressionAttributeValues: { ':enqueuing': 'enqueuing' },
        }),
      ),
    );
  }

  /** Records that every recipient is queued. */
  async finish(
    issueId: string,
    done: { recipients: number; batches: number; updatedAt: string },
  ): Promise<void> {
    await explained(this.table, () =>
      this.client.send(this.update(issueId, { status: 'enqueued', ...done })),
    );
  }

  /** Records a new draft; false when the issue has a record already (another run made it). */
  async draft(record: IssueRecord): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(issueId)',
        }),
      ),
    );
  }

  /** Applies a change while the issue's status is still `change.from`; false when it is not. */
  async change(issueId: string, change: IssueChange): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        this.update(issueId, change.set, {
          ConditionExpression: '#status = :from',
          ExpressionAttributeValues: { ':from': change.from },
        }),
      ),
    );
  }

  /**
   * Takes the send of an approved issue: `approved` → `enqueuing`, or over a send that began
   * before `staleBefore` and never finished. False when another run holds it, or the issue is not
   * approved (held in the meantime, or sent).
   */
  async claimSend(issueId: string, now: string, staleBefore: string): Promise<boolean> {
    return conditionally(this.table, () =>
      this.client.send(
        this.update(
          issueId,
          { status: 'enqueuing', sendStartedAt: now, updatedAt: now },
          {
            ConditionExpression:
              '#status = :approved OR (#status = :enqueuing AND attribute_exists(#approval) AND (attribute_not_exists(#started) OR #started < :stale))',
            ExpressionAttributeNames: { '#approval': 'approval', '#started': 'sendStartedAt' },
            ExpressionAttributeValues: {
              ':approved': 'approved',
              ':enqueuing': 'enqueuing',
              ':stale': staleBefore,
            },
          },
        ),
      ),
    );
  }

  /** Every issue (the table holds one item a week: a scan is a page or two). */
  async *all(): AsyncIterable<IssueRecord> {
    const pages = paginateScan({ client: this.client }, { TableName: this.table, ConsistentRead: true });
    try {
      for await (const page of pages) for (const item of page.Items ?? []) yield item as IssueRecord;
    } catch (error) {
      throw dynamoError(error, this.table);
    }
  }

  /** `SET` the given fields (under the condition, whose `#status` names the status). */
  private update(
    issueId: string,
    set: Partial<IssueRecord>,
    condition: {
      ConditionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    } = {},
  ) {
    const fields = Object.entries(set).filter(([name, value]) => name !== 'issueId' && value !== undefined);
    const names: Record<string, string> = {
      ...(condition.ConditionExpression ? { '#status': 'status' } : {}),
      ...condition.ExpressionAttributeNames,
    };
    const values: Record<string, unknown> = { ...condition.ExpressionAttributeValues };
    const assignments = fields.map(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
    return new UpdateCommand({
      TableName: this.table,
      Key: { issueId },
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ...(condition.ConditionExpression ? { ConditionExpression: condition.ConditionExpression } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }
}
