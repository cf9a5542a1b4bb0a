import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../src/adapters/subscribers-dynamodb.js';
import { PENDING_EXPIRES_AT } from '../../src/adapters/subscribers-dynamodb-items.js';
import {
  CONFIRMATION_DAYS,
  forgottenKey,
  type Subscriber,
  SubscriberHeldError,
} from '../../src/core/delivery/subscriber.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

import { confirmThrough, importRows, signUpThrough } from '../helpers/subscribers.js';

const JAN = '2026-01-01T00:00:00.000Z';
const NOW = new Date('2026-11-23T08:00:00.000Z');
const LATER = new Date('2026-11-23T09:00:00.000Z');
const expiresAt = (at: Date) => Math.floor(at.getTime() / 1000) + CONFIRMATION_DAYS * 86_400;

let tables = 0;
async function freshStore(): Promise<{ store: DynamoSubscriberStore; table: string }> {
  const table = `subscribers-life-${++tables}`;
  await dynamo.createSubscribersTable(table);
  return { store: new DynamoSubscriberStore(dynamo.client, table), table };
}

async function itemOf(table: string, email: string) {
  return (await dynamo.client.send(new GetCommand({ TableName: table, Key: { email } }))).Item;
}

async function put(table: string, item: Record<string, unknown>) {
  await dynamo.client.send(new PutCommand({ TableName: table, Item: item }));
}

const signUp = (store: DynamoSubscriberStore, email: string, nonce: string, now = NOW) =>
  signUpThrough(store, email, nonce, now);
const confirm = (store: DynamoSubscriberStore, email: string, nonce: string, now = NOW) =>
  confirmThrough(store, email, nonce, now);

describe('DynamoSubscriberStore sign-ups (update)', () => {
  it('records a sign-up as pending with its confirmation and a time to live, and drops both once confirmed', async () => {
    const { store, table } = await freshStore();

    const signed = await signUp(store, 'eve@example.org', 'nonce-1');
    const pending = await itemOf(table, 'eve@example.org');
    const confirmed = await confirm(store, 'eve@example.org', 'nonce-1');
    const again = await confirm(store, 'eve@example.org', 'nonce-1');

    expect(signed.outcome).toBe('pending');
    expect(pending).toEqual({
      email: 'eve@example.org',
      status: 'pending',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      confirmationNonce: 'nonce-1',
      confirmationSentAt: NOW.toISOString(),
      [PENDING_EXPIRES_AT]: expiresAt(NOW),
      revision: 1,
    });
    expect([confirmed, again]).toEqual(['confirmed', 'already-active']);
    expect(await itemOf(table, 'eve@example.org')).toEqual({
      email: 'eve@example.org',
      status: 'active',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      revision: 2,
    });
    expect(await store.get('eve@example.org')).toEqual({
      email: 'eve@example.org',
      status: 'active',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
  });

  it('moves the time to live with a confirmation sent again', async () => {
    const { store, table } = await freshStore();
    await signUp(store, 'eve@example.org', 'nonce-1');

    const resent = await signUp(store, 'eve@example.org', 'nonce-2', LATER);

    expect(resent).toMatchObject({ outcome: 'resent', sendConfirmation: { nonce: 'nonce-1' } });
    expect(await itemOf(table, 'eve@example.org')).toMatchObject({
      confirmationSentAt: LATER.toISOString(),
      [PENDING_EXPIRES_AT]: expiresAt(LATER),
    });
  });

  it('never gives a time to live to an address that had unsubscribed, so its unsubscribe is never purged', async () => {
    const { store, table } = await freshStore();
    await put(table, { email: 'ana@example.org', status: 'unsubscribed', createdAt: JAN, updatedAt: JAN });

    const signed = await signUp(store, 'ana@example.org', 'nonce-1');
    await signUp(store, 'ana@example.org', 'nonce-2', LATER);

    expect(signed.outcome).toBe('pending');
    const item = await itemOf(table, 'ana@example.org');
    expect(item).toMatchObject({ status: 'pending', confirmationSentAt: LATER.toISOString() });
    expect(item).not.toHaveProperty(PENDING_EXPIRES_AT);
  });

  it('drops the confirmation and the time to live when a pending address bounces or unsubscribes', async () => {
    const { store, table } = await freshStore();
    await signUp(store, 'eve@example.org', 'nonce-1');

    await store.setStatus('eve@example.org', 'bounced', LATER.toISOString());

    expect(await itemOf(table, 'eve@example.org')).toEqual({
      email: 'eve@example.org',
      status: 'bounced',
      createdAt: NOW.toISOString(),
      updatedAt: LATER.toISOString(),
      revision: 2,
    });
  });

  it('applies concurrent updates of one address through two store instances one after the other, none lost', async () => {
    const { table } = await freshStore();
    await put(table, {
      email: 'ana@example.org',
      status: 'active',
      name: '0',
      createdAt: JAN,
      updatedAt: JAN,
    });
    const stores = [
      new DynamoSubscriberStore(dynamo.client, table),
      new DynamoSubscriberStore(dynamo.client, table),
    ];
    const decided: string[] = [];

    await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        stores[index % 2]?.update('ana@example.org', (existing) => {
          decided.push(existing?.name ?? '');
          return {
            write: { ...(existing as Subscriber), name: String(Number(existing?.name) + 1) },
            result: undefined,
          };
        }),
      ),
    );

    expect((await stores[0]?.get('ana@example.org'))?.name).toBe('4');
    expect(new Set(decided)).toEqual(new Set(['0', '1', '2', '3']));
  });

  it('keeps attributes it does not know through a change', async () => {
    const { store, table } = await freshStore();
    await put(table, {
      email: 'ana@example.org',
      status: 'unsubscribed',
      createdAt: JAN,
      updatedAt: JAN,
      source: 'fair',
    });

    await signUp(store, 'ana@example.org', 'nonce-1');

    expect(await itemOf(table, 'ana@example.org')).toMatchObject({ status: 'pending', source: 'fair' });
  });

  it('leaves an item with a status it does not know alone, and says so', async () => {
    const { store, table } = await freshStore();
    const paused = { email: 'ana@example.org', status: 'paused', createdAt: JAN, updatedAt: JAN };
    await put(table, paused);

    const signed = signUp(store, 'ana@example.org', 'nonce-1');

    await expect(signed).rejects.toThrow(SubscriberHeldError);
    await expect(signed).rejects.toThrow(
      `DynamoDB ${table}: a***@example.org: status "paused" is not one of active, pending, unsubscribed, bounced, complained, forgotten — kept as it is and not mailed`,
    );
    expect(await itemOf(table, 'ana@example.org')).toEqual(paused);
  });
});

describe('DynamoSubscriberStore erasing (forget)', () => {
  it('erases the item and keeps only the hash of the address, and says whether it was there', async () => {
    const { store, table } = await freshStore();
    await importRows(store, { email: 'ana@example.org', name: 'Ana Silva' }, { email: 'ben@example.com' });

    const first = await store.forget('ana@example.org', NOW.toISOString());
    const second = await store.forget('ana@example.org', LATER.toISOString());

    expect([first, second]).toEqual([true, false]);
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: table }));
    expect(JSON.stringify(Items)).not.toMatch(/ana|Silva/i);
    expect(Items.find((item) => item.status === 'forgotten')).toEqual({
      email: forgottenKey('ana@example.org'),
      status: 'forgotten',
      createdAt: LATER.toISOString(),
      updatedAt: LATER.toISOString(),
    });
  });

  it('never re-activates a forgotten address through an import, an add or a sign-up', async () => {
    const { store, table } = await freshStore();
    await signUp(store, 'ana@example.org', 'nonce-1');
    await store.forget('ana@example.org', NOW.toISOString());

    const imported = await importRows(store, { email: 'ana@example.org', name: 'Ana', status: 'active' });
    const signed = await signUp(store, 'ana@example.org', 'nonce-2', LATER);

    expect(imported).toEqual({ 'ana@example.org': 'kept-suppressed' });
    expect(signed.outcome).toBe('suppressed');
    expect(await itemOf(table, 'ana@example.org')).toBeUndefined();
  });

  it('hands the forgotten entry to update, to get(forgottenKey) and to all(), never under the address', async () => {
    const { store } = await freshStore();
    const entry = {
      email: forgottenKey('ana@example.org'),
      status: 'forgotten',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    };

    await store.forget('ana@example.org', NOW.toISOString());

    const all: Subscriber[] = [];
    for await (const subscriber of store.all()) all.push(subscriber);
    expect(await store.get('ana@example.org')).toBeUndefined();
    expect(await store.get(forgottenKey('ana@example.org'))).toEqual(entry);
    expect(all).toEqual([entry]);
    expect(await store.update('ana@example.org', (existing) => ({ result: existing }))).toEqual(entry);
  });

  it("lets an erasure that lands between a sign-up's read and its write win: no item is left", async () => {
    const { store, table } = await freshStore();
    // The sign-up's own client holds its first write until the erasure has run, start to end.
    let erasure: (() => Promise<unknown>) | undefined = () =>
      store.forget('ana@example.org', NOW.toISOString());
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: dynamo.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        const run = input.UpdateExpression ? erasure : undefined;
        if (run) {
          erasure = undefined;
          await run();
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const signingUp = new DynamoSubscriberStore(client, table);

    const signed = await signUp(signingUp, 'ana@example.org', 'nonce-1');

    expect(erasure).toBeUndefined();
    expect(signed.outcome).toBe('suppressed');
    expect(await itemOf(table, 'ana@example.org')).toBeUndefined();
    client.destroy();
  });
});

describe('DynamoSubscriberStore purging expired sign-ups', () => {
  const days = (count: number) => new Date(NOW.getTime() + count * 86_400_000);

  it('purges at once what the time to live would, and keeps an expired sign-up of an address that had unsubscribed', async () => {
    const { store, table } = await freshStore();
    await put(table, { email: 'ana@example.org', status: 'unsubscribed', createdAt: JAN, updatedAt: JAN });
    await signUp(store, 'ana@example.org', 'nonce-1');
    await signUp(store, 'eve@example.org', 'nonce-2');
    await signUp(store, 'fay@example.org', 'nonce-3');
    await confirm(store, 'fay@example.org', 'nonce-3');

    const early = await store.purgeExpired(days(6));
    const late = await store.purgeExpired(days(8));

    expect([early, late]).toEqual([0, 1]);
    expect(await itemOf(table, 'eve@example.org')).toBeUndefined();
    expect(await itemOf(table, 'ana@example.org')).toMatchObject({ status: 'pending' });
    expect(await itemOf(table, 'fay@example.org')).toMatchObject({ status: 'active' });
  });
});
