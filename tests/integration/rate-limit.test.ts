import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../src/adapters/rate-limit-dynamodb.js';
import { MemoryRateLimiter } from '../../src/adapters/rate-limit-memory.js';
import { counterFor, type RateLimiter } from '../../src/core/delivery/abuse-limits.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createRateLimitTable('rate-limits');
});
afterAll(async () => {
  await dynamo?.close();
});

const limit = { count: 10, windowSeconds: 3600 };
const now = new Date('2026-11-25T10:30:00Z');

describe.each([
  ['in memory (digest serve)', () => new MemoryRateLimiter()],
  ['in DynamoDB (the site on AWS)', () => new DynamoRateLimiter(dynamo.client, 'rate-limits')],
] as [string, () => RateLimiter][])('rate limits %s', (_where, make) => {
  it('let exactly the limit through, even when the uses arrive all at once', async () => {
    const limiter = make();
    const key = `source:${Math.random()}`;
    const answers = await Promise.all(Array.from({ length: 25 }, () => limiter.allow(key, limit, now)));
    expect(answers.filter(Boolean)).toHaveLength(10);
  });

  it('start again in the next window, and count each key on its own', async () => {
    const limiter = make();
    const key = `source:${Math.random()}`;
    for (let use = 0; use < 10; use++) await limiter.allow(key, limit, now);
    expect(await limiter.allow(key, limit, now)).toBe(false);
    expect(await limiter.allow(`${key}-other`, limit, now)).toBe(true);
    expect(await limiter.allow(key, limit, new Date(now.getTime() + 3600_000))).toBe(true);
  });
});

describe('DynamoDB rate-limit counters', () => {
  it('carry the end of their window as their TTL, so DynamoDB deletes them', async () => {
    const limiter = new DynamoRateLimiter(dynamo.client, 'rate-limits');
    await limiter.allow('source:203.0.113.7', limit, now);
    const { id, expiresAt } = counterFor('source:203.0.113.7', limit, now);
    const item = (await dynamo.client.send(new GetCommand({ TableName: 'rate-limits', Key: { id } }))).Item;
    expect(item).toEqual({ id, hits: 1, expiresAt });
    expect(expiresAt * 1000).toBeGreaterThan(now.getTime());
    expect(expiresAt * 1000 - now.getTime()).toBeLessThanOrEqual(3600_000);
  });
});
