import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterFor, type RateLimiter } from '../core/delivery/abuse-limits.js';
import { dynamoError, isConditionFailure } from './dynamodb.js';

/** The TTL attribute of the rate-limit table: DynamoDB deletes a counter after its window. */
export const RATE_LIMIT_TTL_ATTRIBUTE = 'expiresAt';

/**
 * Rate-limit counters in a DynamoDB table (partition key `id`): one conditional update per use,
 * which adds one unless the window's count has reached the limit, so concurrent requests on
 * several Lambda instances can never together pass the limit.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async allow(key: string, limit: { count: number; windowSeconds: number }, now: Date): Promise<boolean> {
    const { id, expiresAt } = counterFor(key, limit, now);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: 'ADD hits :one SET #expires = if_not_exists(#expires, :expires)',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#expires': RATE_LIMIT_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit.count, ':expires': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw dynamoError(error, this.table);
    }
  }
}
