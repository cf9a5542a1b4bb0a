import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvSubscriberStore } from '../../src/adapters/subscribers-csv.js';
import { forgottenKey, type Subscriber, SubscriberHeldError } from '../../src/core/delivery/subscriber.js';
import { temporaryFolder } from '../helpers/briefings.js';

import { confirmThrough, importRows, signUpThrough } from '../helpers/subscribers.js';

const HEADER = 'email,status,name,created_at,updated_at';
const JAN = '2026-01-01T00:00:00.000Z';
const NOW = new Date('2026-11-23T08:00:00.000Z');
const EXPIRY = '2026-11-30T08:00:00.000Z';

function storeFile(lines: string[]): string {
  const path = join(temporaryFolder(), 'subscribers.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const signUp = (store: CsvSubscriberStore, email: string, nonce: string, now = NOW) =>
  signUpThrough(store, email, nonce, now);
const confirm = (store: CsvSubscriberStore, email: string, nonce: string, now = NOW) =>
  confirmThrough(store, email, nonce, now);

describe('CsvSubscriberStore sign-ups (update)', () => {
  it('records a sign-up as pending with its confirmation, and the link makes it active once', async () => {
    const path = join(temporaryFolder(), 'subscribers.csv');
    const store = new CsvSubscriberStore(path);

    const signed = await signUp(store, 'eve@example.org', 'nonce-1');
    const pending = await store.get('eve@example.org');
    const pendingLine = readFileSync(path, 'utf8').split('\n')[1];
    const first = await confirm(store, 'eve@example.org', 'nonce-1');
    const again = await confirm(store, 'eve@example.org', 'nonce-1');

    expect(signed.outcome).toBe('pending');
    expect(pending).toEqual({
      email: 'eve@example.org',
      status: 'pending',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      confirmation: { nonce: 'nonce-1', sentAt: NOW.toISOString() },
    });
    expect([first, again]).toEqual(['confirmed', 'already-active']);
    expect(await store.get('eve@example.org')).toEqual({
      email: 'eve@example.org',
      status: 'active',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(pendingLine).toBe(
      `eve@example.org,pending,,${NOW.toISOString()},${NOW.toISOString()},nonce-1,${NOW.toISOString()},${EXPIRY}`,
    );
    expect(readFileSync(path, 'utf8').split('\n')[1]).toBe(
      `eve@example.org,active,,${NOW.toISOString()},${NOW.toISOString()},,,`,
    );
  });

  it('applies concurrent updates of one address through two store instances one after the other, none lost', async () => {
    const path = storeFile([HEADER, `ana@example.org,active,0,${JAN},${JAN}`]);
    const stores = [new CsvSubscriberStore(path), new CsvSubscriberStore(path)];
    const seen: string[] = [];

    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        stores[index % 2]?.update('ana@example.org', (existing) => {
          const name = String(Number(existing?.name) + 1);
          seen.push(existing?.name ?? '');
          return { write: { ...(existing as Subscriber), name }, result: undefined };
        }),
      ),
    );

    expect(seen.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect((await stores[0]?.get('ana@example.org'))?.name).toBe('6');
  });

  it('writes nothing when the decision writes nothing', async () => {
    const path = storeFile([HEADER, `ana@example.org,bounced,Ana,${JAN},${JAN}`]);
    const before = readFileSync(path, 'utf8');

    const signed = await signUp(new CsvSubscriberStore(path), 'ana@example.org', 'nonce-1');

    expect(signed.outcome).toBe('suppressed');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('reads a list written before the confirmation columns, and adds them only when a sign-up needs them', async () => {
    const path = storeFile([HEADER, `ana@example.org,active,Ana,${JAN},${JAN}`]);
    const store = new CsvSubscriberStore(path);

    await store.setStatus('ana@example.org', 'unsubscribed', NOW.toISOString());
    const afterUnsubscribe = readFileSync(path, 'utf8').split('\n')[0];
    await signUp(store, 'ana@example.org', '-nonce=');

    expect(afterUnsubscribe).toBe(HEADER);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe(`${HEADER},confirm_nonce,confirm_sent_at,pending_expires_at`);
    // A nonce may start with "-" (base64url): the cell is formula-safe, and reads back the same.
    // No expiry: purging the sign-up would forget that the address had unsubscribed.
    expect(lines[1]).toBe(
      `ana@example.org,pending,Ana,${JAN},${NOW.toISOString()},'-nonce=,${NOW.toISOString()},`,
    );
    expect((await store.get('ana@example.org'))?.confirmation).toEqual({
      nonce: '-nonce=',
      sentAt: NOW.toISOString(),
    });
  });

  it('drops the confirmation when a pending address gets another status', async () => {
    const path = join(temporaryFolder(), 'subscribers.csv');
    const store = new CsvSubscriberStore(path);
    await signUp(store, 'eve@example.org', 'nonce-1');

    await store.setStatus('eve@example.org', 'bounced', NOW.toISOString());

    expect(await store.get('eve@example.org')).not.toHaveProperty('confirmation');
    expect(readFileSync(path, 'utf8').split('\n')[1]).toMatch(/,bounced,.*,,$/);
  });

  it('leaves an address held with a status it does not know alone, and says which line to fix', async () => {
    const path = storeFile([HEADER, `ana@example.org,paused,Ana,${JAN},${JAN}`]);
    const before = readFileSync(path, 'utf8');

    const signed = signUp(new CsvSubscriberStore(path), 'ana@example.org', 'nonce-1');

    await expect(signed).rejects.toThrow(SubscriberHeldError);
    await expect(signed).rejects.toThrow(`${path} line 2 holds a***@example.org but cannot be used`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('never writes a forgotten entry, or another address, through update', async () => {
    const store = new CsvSubscriberStore(join(temporaryFolder(), 'subscribers.csv'));
    const entry: Subscriber = {
      email: forgottenKey('ana@example.org'),
      status: 'forgotten',
      createdAt: JAN,
      updatedAt: JAN,
    };

    await expect(store.update('ana@example.org', () => ({ write: entry, result: 0 }))).rejects.toThrow(
      "update may write only the address's own row",
    );
    await expect(
      store.update('ana@example.org', () => ({
        write: { ...entry, email: 'ben@example.com', status: 'active' },
        result: 0,
      })),
    ).rejects.toThrow("update may write only the address's own row");
  });
});

describe('CsvSubscriberStore erasing (forget)', () => {
  it('erases every row of the address and keeps only its hash, once', async () => {
    const path = storeFile([
      HEADER,
      `ana@example.org,active,Ana Silva,${JAN},${JAN}`,
      `ben@example.com,active,Ben,${JAN},${JAN}`,
      `ana@example.org,unsubscribed,Ana,${JAN},${JAN}`,
    ]);
    const store = new CsvSubscriberStore(path);

    const first = await store.forget('ana@example.org', NOW.toISOString());
    const second = await store.forget('ana@example.org', '2026-11-24T00:00:00.000Z');

    expect([first, second]).toEqual([true, false]);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/ana|Silva/i);
    expect(text.trim().split('\n')).toEqual([
      HEADER,
      `ben@example.com,active,Ben,${JAN},${JAN}`,
      `${forgottenKey('ana@example.org')},forgotten,,2026-11-24T00:00:00.000Z,2026-11-24T00:00:00.000Z`,
    ]);
  });

  it('never re-activates a forgotten address through an import, an add or a sign-up', async () => {
    const path = storeFile([HEADER, `ana@example.org,active,Ana,${JAN},${JAN}`]);
    const store = new CsvSubscriberStore(path);
    await store.forget('ana@example.org', NOW.toISOString());

    const imported = await importRows(store, { email: 'ana@example.org', name: 'Ana', status: 'active' });
    const signed = await signUp(store, 'ana@example.org', 'nonce-1');

    expect(imported).toEqual({ 'ana@example.org': 'kept-suppressed' });
    expect(signed.outcome).toBe('suppressed');
    expect(readFileSync(path, 'utf8')).not.toContain('ana@');
  });

  it('hands the forgotten entry to update, to get(forgottenKey) and to all(), never under the address', async () => {
    const store = new CsvSubscriberStore(join(temporaryFolder(), 'subscribers.csv'));
    const entry = {
      email: forgottenKey('ana@example.org'),
      status: 'forgotten',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    };

    expect(await store.forget('ana@example.org', NOW.toISOString())).toBe(false);

    expect(await store.get('ana@example.org')).toBeUndefined();
    expect(await store.get(forgottenKey('ana@example.org'))).toEqual(entry);
    expect(await collect(store.all())).toEqual([entry]);
    expect(await store.update('ana@example.org', (existing) => ({ result: existing }))).toEqual(entry);
  });

  it('keeps rows it cannot parse through update and forget, byte for byte and in their place', async () => {
    const held = [
      'ben@example.com,paused,Ben,2026-01-02T00:00:00.000Z,2026-01-02T00:00:00.000Z',
      'chen@example.net,active,"Chen, Wei,2026-01-03T00:00:00.000Z,2026-01-03T00:00:00.000Z',
      'not-an-address,active,Nobody,,',
    ];
    const path = storeFile([
      HEADER,
      `ana@example.org,active,Ana,${JAN},${JAN}`,
      ...held,
      `eve@example.org,active,Eve,${JAN},${JAN}`,
    ]);
    const store = new CsvSubscriberStore(path);

    await signUp(store, 'fay@example.org', 'nonce-1');
    await store.forget('eve@example.org', NOW.toISOString());
    await confirm(store, 'fay@example.org', 'nonce-1');

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.slice(2, 5)).toEqual(held);
    expect(lines.slice(5, 7)).toEqual([
      `fay@example.org,active,,${NOW.toISOString()},${NOW.toISOString()},,,`,
      `${forgottenKey('eve@example.org')},forgotten,,${NOW.toISOString()},${NOW.toISOString()},,,`,
    ]);
  });

  it('will not add the confirmation columns while a row with extra cells would then read differently', async () => {
    const path = storeFile([
      HEADER,
      'dara@example.ie,unsubscribed,Murphy, Dara,2026-01-04T00:00:00.000Z,2026-01-04T00:00:00.000Z',
    ]);
    const before = readFileSync(path, 'utf8');

    await expect(signUp(new CsvSubscriberStore(path), 'eve@example.org', 'nonce-1')).rejects.toThrow(
      `${path} line 2 has more cells than the header, which needs the columns confirm_nonce, confirm_sent_at, pending_expires_at added`,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('erases a row it cannot parse when it holds the address: erasing wins over keeping it', async () => {
    const path = storeFile([
      HEADER,
      'ana@example.org,active,"Ana Silva,,',
      `ben@example.com,active,Ben,${JAN},${JAN}`,
    ]);

    expect(await new CsvSubscriberStore(path).forget('ana@example.org', NOW.toISOString())).toBe(true);

    expect(readFileSync(path, 'utf8')).not.toMatch(/ana|Silva/i);
  });

  it('holds a forgotten entry edited into another status, and it still suppresses the address', async () => {
    const path = storeFile([HEADER, `${forgottenKey('ana@example.org')},active,,${JAN},${JAN}`]);
    const reasons: string[] = [];
    const store = new CsvSubscriberStore(path, (row) => reasons.push(row.reason));

    const all = await collect(store.all());
    const imported = await importRows(store, { email: 'ana@example.org' });

    expect(all).toEqual([]);
    expect(reasons[0]).toBe(
      'a forgotten entry whose status is not "forgotten" — kept as it is and not mailed',
    );
    expect(imported).toEqual({ 'ana@example.org': 'kept-suppressed' });
  });
});

describe('CsvSubscriberStore purging expired sign-ups', () => {
  const days = (count: number) => new Date(NOW.getTime() + count * 86_400_000);

  it('purges an expired sign-up of a new address, and keeps one of an address that had unsubscribed', async () => {
    const path = storeFile([HEADER, `ana@example.org,unsubscribed,Ana,${JAN},${JAN}`]);
    const store = new CsvSubscriberStore(path);
    await signUp(store, 'ana@example.org', 'nonce-1');
    await signUp(store, 'eve@example.org', 'nonce-2');

    const early = await store.purgeExpired(days(6));
    const late = await store.purgeExpired(days(8));

    expect([early, late]).toEqual([0, 1]);
    expect(await store.get('eve@example.org')).toBeUndefined();
    expect(await store.get('ana@example.org')).toMatchObject({ status: 'pending', name: 'Ana' });
  });

  it('counts the days from the last confirmation sent, and never purges a confirmed address', async () => {
    const store = new CsvSubscriberStore(join(temporaryFolder(), 'subscribers.csv'));
    await signUp(store, 'eve@example.org', 'nonce-1');
    await signUp(store, 'eve@example.org', 'nonce-2', days(6));
    await signUp(store, 'fay@example.org', 'nonce-3');
    await confirm(store, 'fay@example.org', 'nonce-3');

    expect(await store.purgeExpired(days(8))).toBe(0);
    expect(await store.purgeExpired(days(14))).toBe(1);
    expect((await collect(store.all())).map((subscriber) => subscriber.email)).toEqual(['fay@example.org']);
  });
});
