import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../src/adapters/ledger-dynamodb.js';
import { SesOutbox } from '../../src/adapters/outbox-ses.js';
import { DynamoSubscriberStore } from '../../src/adapters/subscribers-dynamodb.js';
import { deliverIssue } from '../../src/core/delivery/deliver.js';
import type { ImportOutcome, ImportRow } from '../../src/core/delivery/subscriber.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { IDENTITY, ISSUE, SECRET } from '../helpers/sending.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

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

async function importInto(store: DynamoSubscriberStore, ...items: ImportRow[]) {
  const outcomes: Record<string, ImportOutcome> = {};
  await store.importRows(rows(...items), (row, outcome) => {
    outcomes[row.email] = outcome;
  });
  return outcomes;
}

describe('DynamoSubscriberStore on dynalite', () => {
  it('adds, merges and never resurrects a suppressed address', async () => {
    await dynamo.createSubscribersTable('subscribers-a');
    const store = new DynamoSubscriberStore(dynamo.client, 'subscribers-a');
    expect(
      await importInto(store, { email: 'ana@example.org', name: 'Ana' }, { email: 'ben@example.com' }),
    ).toEqual({
      'ana@example.org': 'added',
      'ben@example.com': 'added',
    });
    expect(await store.setStatus('ben@example.com', 'complained', '2026-11-23T00:00:00.000Z')).toBe(true);
    expect(await store.setStatus('nobody@example.com', 'unsubscribed', '2026-11-23T00:00:00.000Z')).toBe(
      false,
    );
    expect(
      await importInto(store, { email: 'ana@example.org', name: 'Ana Silva' }, { email: 'ben@example.com' }),
    ).toEqual({
      'ana@example.org': 'updated',
      'ben@example.com': 'kept-suppressed',
    });
    const all = [];
    for await (const subscriber of store.all())
      all.push(`${subscriber.email}:${subscriber.status}:${subscriber.name ?? ''}`);
    expect(all.sort()).toEqual(['ana@example.org:active:Ana Silva', 'ben@example.com:complained:']);
  });
});

describe('DynamoLedger on dynalite', () => {
  it('lets one claim win with a conditional write and returns the existing record to the loser', async () => {
    await dynamo.createLedgerTable('ledger-a');
    const ledger = new DynamoLedger(dynamo.client, 'ledger-a');
    const now = '2026-11-23T08:00:00.000Z';
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ledger.claim('2026-W47', 'ana@example.org', now)),
    );
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    await ledger.markSent('2026-W47', 'ana@example.org', 'ses-1', now);
    expect(await ledger.claim('2026-W47', 'ana@example.org', now)).toEqual({
      claimed: false,
      existing: expect.objectContaining({ status: 'sent', messageId: 'ses-1', attempts: 1 }),
    });
  });

  it('records an outcome only on a claim, and releases only a claim', async () => {
    await dynamo.createLedgerTable('ledger-b');
    const ledger = new DynamoLedger(dynamo.client, 'ledger-b');
    const now = '2026-11-23T08:00:00.000Z';
    await ledger.claim('2026-W47', 'ana@example.org', now);
    await ledger.markFailed('2026-W47', 'ana@example.org', 'MessageRejected: no such mailbox', now);
    await expect(ledger.markSent('2026-W47', 'ana@example.org', 'ses-2', now)).rejects.toThrow(
      /ConditionalCheckFailed/,
    );
    await ledger.release('2026-W47', 'ana@example.org');
    expect(await ledger.get('2026-W47', 'ana@example.org')).toMatchObject({ status: 'failed' });
    await ledger.claim('2026-W47', 'ben@example.org', now);
    expect(await ledger.reclaim('2026-W47', 'ben@example.org', now)).toBe(true);
    expect(await ledger.get('2026-W47', 'ben@example.org')).toMatchObject({ status: 'claimed', attempts: 2 });
    await ledger.release('2026-W47', 'ben@example.org');
    expect(await ledger.get('2026-W47', 'ben@example.org')).toBeUndefined();
  });
});

describe('a whole send on AWS-shaped stores', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => {
    await ses?.close();
  });

  it('sends from a DynamoDB list through SES, recording every recipient in the DynamoDB ledger', async () => {
    await dynamo.createSubscribersTable('subscribers-c');
    await dynamo.createLedgerTable('ledger-c');
    const store = new DynamoSubscriberStore(dynamo.client, 'subscribers-c');
    await importInto(
      store,
      ...Array.from({ length: 60 }, (_, index) => ({ email: `reader${index}@example.org` })),
    );
    await store.setStatus('reader3@example.org', 'unsubscribed', '2026-11-23T00:00:00.000Z');
    const ledger = new DynamoLedger(dynamo.client, 'ledger-c');
    const context = {
      identity: IDENTITY,
      unsubscribeSecret: SECRET,
      ledger,
      outbox: new SesOutbox({ client: ses.client }),
      rateLimit: async () => {},
      concurrency: 8,
    };
    expect(await deliverIssue(ISSUE, store.all(), context)).toMatchObject({
      active: 59,
      sent: 59,
      suppressed: { unsubscribed: 1 },
    });
    expect(await deliverIssue(ISSUE, store.all(), context)).toMatchObject({
      active: 59,
      sent: 0,
      alreadySent: 59,
    });
    const emails = await ses.emails();
    expect(emails).toHaveLength(59);
    expect(emails.some((email) => email.destination.to.includes('reader3@example.org'))).toBe(false);
  });
});
