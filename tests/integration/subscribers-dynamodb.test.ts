import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../src/adapters/subscribers-dynamodb.js';
import type { ImportOutcome, ImportRow } from '../../src/core/delivery/subscriber.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

async function* rows(...items: ImportRow[]): AsyncIterable<ImportRow> {
  yield* items;
}

describe('DynamoSubscriberStore with a status this version does not know', () => {
  it('never hands out, re-activates or overwrites an item whose status it does not know, and says why', async () => {
    await dynamo.createSubscribersTable('subscribers-unknown');
    const skipped: string[] = [];
    const store = new DynamoSubscriberStore(dynamo.client, 'subscribers-unknown', 4, (reason) =>
      skipped.push(reason),
    );
    const paused = {
      email: 'ana@example.org',
      status: 'pending_review',
      name: 'Ana',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await dynamo.client.send(new PutCommand({ TableName: 'subscribers-unknown', Item: paused }));
    await store.importRows(rows({ email: 'ben@example.com' }), () => {});

    const outcomes: ImportOutcome[] = [];
    await store.importRows(
      rows({ email: 'ana@example.org', name: 'Ana Silva', status: 'active' }),
      (_row, outcome) => outcomes.push(outcome),
    );
    const all: string[] = [];
    for await (const subscriber of store.all()) all.push(`${subscriber.email}:${subscriber.status}`);

    expect(outcomes).toEqual(['kept-suppressed']);
    expect(all).toEqual(['ben@example.com:active']);
    expect(await store.get('ana@example.org')).toBeUndefined();
    expect(skipped).toEqual([
      'a***@example.org: status "pending_review" is not one of active, pending, unsubscribed, bounced, complained, forgotten — kept as it is and not mailed',
    ]);
    expect(await store.setStatus('ana@example.org', 'active', '2026-11-23T00:00:00.000Z')).toBe(true);
    expect(await store.get('ana@example.org')).toMatchObject({ status: 'active', name: 'Ana' });
  });
});
