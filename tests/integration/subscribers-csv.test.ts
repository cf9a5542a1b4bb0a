import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvSubscriberStore, type InvalidRow } from '../../src/adapters/subscribers-csv.js';
import { readImportFile } from '../../src/adapters/subscribers-import-file.js';
import type { ImportOutcome, Subscriber } from '../../src/core/subscriber.js';
import { temporaryFolder } from '../helpers/briefings.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function importCsv(store: CsvSubscriberStore, csv: string) {
  const path = join(temporaryFolder(), 'import.csv');
  writeFileSync(path, csv);
  const invalid: InvalidRow[] = [];
  const outcomes: Record<string, ImportOutcome> = {};
  await store.importRows(
    readImportFile(path, (row) => invalid.push(row)),
    (row, outcome) => {
      outcomes[row.email] = outcome;
    },
  );
  return { invalid, outcomes };
}

describe('CsvSubscriberStore', () => {
  it('imports valid rows, normalised and deduplicated, and reports bad lines by number', async () => {
    const store = new CsvSubscriberStore(join(temporaryFolder(), 'subscribers.csv'));
    const { invalid, outcomes } = await importCsv(
      store,
      'Email,Name\nAna@Example.org,Ana\nnot-an-address,X\nben@example.com,Ben\nana@example.org,Ana Silva\n,Nobody\n',
    );
    expect(invalid).toEqual([
      { line: 3, reason: 'not an email address (no @)' },
      { line: 6, reason: 'the address is empty' },
    ]);
    expect(outcomes).toEqual({ 'ana@example.org': 'updated', 'ben@example.com': 'added' });
    const all = await collect(store.all());
    expect(all.map((subscriber) => [subscriber.email, subscriber.status, subscriber.name])).toEqual([
      ['ana@example.org', 'active', 'Ana Silva'],
      ['ben@example.com', 'active', 'Ben'],
    ]);
  });

  it('never resurrects an unsubscribed address on re-import', async () => {
    const store = new CsvSubscriberStore(join(temporaryFolder(), 'subscribers.csv'));
    await importCsv(store, 'email\nana@example.org\nben@example.com\n');
    expect(await store.setStatus('ana@example.org', 'unsubscribed', '2026-11-23T00:00:00.000Z')).toBe(true);
    const { outcomes } = await importCsv(store, 'email,status\nana@example.org,active\nben@example.com,\n');
    expect(outcomes).toEqual({ 'ana@example.org': 'kept-suppressed', 'ben@example.com': 'unchanged' });
    expect(await store.get('ana@example.org')).toMatchObject({
      status: 'unsubscribed',
      updatedAt: '2026-11-23T00:00:00.000Z',
    });
  });

  it('writes a file people can read and edit', async () => {
    const path = join(temporaryFolder(), 'subscribers.csv');
    const store = new CsvSubscriberStore(path);
    await importCsv(store, 'email,name\n"chen@example.net","Chen, Wei"\n');
    const [header, row] = readFileSync(path, 'utf8').trim().split('\n');
    expect(header).toBe('email,status,name,created_at,updated_at');
    expect(row).toMatch(/^chen@example\.net,active,"Chen, Wei",\d{4}-\d\d-\d\dT/);
  });

  it('reads a hand-written list and reports its unusable rows', async () => {
    const path = join(temporaryFolder(), 'subscribers.csv');
    writeFileSync(path, 'email,status\nana@example.org,\nben@example.com,paused\nchen@example.net,bounced\n');
    const invalid: InvalidRow[] = [];
    const all: Subscriber[] = await collect(new CsvSubscriberStore(path, (row) => invalid.push(row)).all());
    expect(all.map((subscriber) => `${subscriber.email}:${subscriber.status}`)).toEqual([
      'ana@example.org:active',
      'chen@example.net:bounced',
    ]);
    expect(invalid).toEqual([
      {
        line: 3,
        reason:
          'b***@example.com: status "paused" is not one of active, unsubscribed, bounced, complained — kept as it is and not mailed',
      },
    ]);
  });

  it('says what to do when the list does not exist', async () => {
    await expect(collect(new CsvSubscriberStore('/nonexistent/subscribers.csv').all())).rejects.toThrow(
      'subscribers file not found: /nonexistent/subscribers.csv: add subscribers with "digest subscribers import FILE.csv"',
    );
  });
});
