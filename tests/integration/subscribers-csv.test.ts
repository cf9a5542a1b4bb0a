import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvSubscriberStore, type InvalidRow } from '../../src/adapters/subscribers-csv.js';
import { readImportFile } from '../../src/adapters/subscribers-import-file.js';
import type { ImportOutcome, Subscriber } from '../../src/core/delivery/subscriber.js';
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
          'b***@example.com: status "paused" is not one of active, pending, unsubscribed, bounced, complained, forgotten — kept as it is and not mailed',
      },
    ]);
  });

  it('says what to do when the list does not exist', async () => {
    await expect(collect(new CsvSubscriberStore('/nonexistent/subscribers.csv').all())).rejects.toThrow(
      'subscribers file not found: /nonexistent/subscribers.csv: add subscribers with "digest subscribers import FILE.csv"',
    );
  });
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid ?? 0;
}

describe('CsvSubscriberStore with rows it cannot use', () => {
  const storeFile = [
    'email,status,name,created_at,updated_at',
    'ana@example.org,active,Ana,2026-01-01T00:00:00.000Z,2026-01-01T00:00:00.000Z',
    'ben@example.com,paused,Ben,2026-01-02T00:00:00.000Z,2026-01-02T00:00:00.000Z',
    'chen@example.net,active,"Chen, Wei,2026-01-03T00:00:00.000Z,2026-01-03T00:00:00.000Z',
    'dara@example.ie,unsubscribed,Murphy, Dara,2026-01-04T00:00:00.000Z,2026-01-04T00:00:00.000Z\r',
    'not-an-address,active,Nobody,,',
    'eve@example.org,bounced,Eve,2026-01-05T00:00:00.000Z,2026-01-05T00:00:00.000Z',
  ];
  const heldLines = [storeFile[2], storeFile[3], storeFile[4], storeFile[5]];

  function writeStore(lines = storeFile): string {
    const path = join(temporaryFolder(), 'subscribers.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('keeps a row it cannot parse when the store is rewritten, byte for byte and in its place', async () => {
    const path = writeStore();
    const store = new CsvSubscriberStore(path);

    await importCsv(store, 'email\nfay@example.org\n');
    await store.setStatus('eve@example.org', 'complained', '2026-11-23T00:00:00.000Z');

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.slice(2, 6)).toEqual(heldLines);
    expect(lines[6]).toMatch(/^eve@example\.org,complained,Eve,/);
    expect(lines[7]).toMatch(/^fay@example\.org,active,,/);
  });

  it('never hands out a row it cannot use, and reports each with its line number, addresses masked', async () => {
    const invalid: InvalidRow[] = [];
    const all = await collect(new CsvSubscriberStore(writeStore(), (row) => invalid.push(row)).all());
    expect(all.map((subscriber) => subscriber.email)).toEqual(['ana@example.org', 'eve@example.org']);
    expect(invalid).toEqual([
      {
        line: 3,
        reason:
          'b***@example.com: status "paused" is not one of active, pending, unsubscribed, bounced, complained, forgotten — kept as it is and not mailed',
      },
      { line: 4, reason: 'unclosed quote — kept as it is and not mailed: fix the line or remove it' },
      {
        line: 5,
        reason:
          '6 cells where the header has 5 — kept as it is and not mailed: quote the cells that hold commas',
      },
      { line: 6, reason: 'not an email address (no @) — kept as it is and not mailed' },
    ]);
  });

  it('counts an unknown status as suppressed: an import never makes it active', async () => {
    const path = writeStore();
    const { outcomes } = await importCsv(
      new CsvSubscriberStore(path),
      'email,status,name\nben@example.com,active,Ben B\nchen@example.net,active,Chen\ndara@example.ie,,Dara\n',
    );
    expect(outcomes).toEqual({
      'ben@example.com': 'kept-suppressed',
      'chen@example.net': 'kept-suppressed',
      'dara@example.ie': 'kept-suppressed',
    });
    const all = await collect(new CsvSubscriberStore(path).all());
    expect(all.map((subscriber) => subscriber.email)).not.toContain('ben@example.com');
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('ben@')),
    ).toEqual([storeFile[2]]);
  });

  it('brings an address with an unknown status back only by an explicit confirmation', async () => {
    const path = writeStore();
    const store = new CsvSubscriberStore(path);
    expect(await store.setStatus('ben@example.com', 'active', '2026-11-23T00:00:00.000Z')).toBe(true);
    expect(await store.get('ben@example.com')).toEqual({
      email: 'ben@example.com',
      status: 'active',
      name: 'Ben',
      createdAt: '2026-01-02T00:00:00.000Z',
      updatedAt: '2026-11-23T00:00:00.000Z',
    });
  });

  it('refuses to change a row it cannot read, and says which line to fix', async () => {
    const path = writeStore();
    const before = readFileSync(path, 'utf8');
    await expect(
      new CsvSubscriberStore(path).setStatus('chen@example.net', 'unsubscribed', '2026-11-23T00:00:00.000Z'),
    ).rejects.toThrow(`${path} line 4 holds c***@example.net but cannot be read: fix the line`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('keeps columns it does not know through a rewrite', async () => {
    const path = writeStore(['email,phone,status', 'ana@example.org,+44 20 7946 0000,active']);
    await new CsvSubscriberStore(path).setStatus(
      'ana@example.org',
      'unsubscribed',
      '2026-11-23T00:00:00.000Z',
    );
    const [header, row] = readFileSync(path, 'utf8').split('\n');
    expect(header).toBe('email,phone,status,name,created_at,updated_at');
    expect(row).toMatch(
      /^ana@example\.org,'\+44 20 7946 0000,unsubscribed,,[^,]+,2026-11-23T00:00:00\.000Z$/,
    );
  });

  it('will not add header columns that would make a row with extra cells read differently', async () => {
    const path = writeStore(['email,status', 'ana@example.org,active', 'ben@example.com,paused,2026-01-01']);
    const before = readFileSync(path, 'utf8');
    await expect(importCsv(new CsvSubscriberStore(path), 'email\nchen@example.net\n')).rejects.toThrow(
      `${path} line 3 has more cells than the header, which needs the columns name, created_at, updated_at added`,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});

describe('CsvSubscriberStore and spreadsheets', () => {
  it('writes cells a spreadsheet would run as formulas with a leading quote, and reads them back unchanged', async () => {
    const path = join(temporaryFolder(), 'subscribers.csv');
    const store = new CsvSubscriberStore(path);
    await importCsv(
      store,
      'email,name\nana@example.org,"=HYPERLINK(""https://evil.example"",""Ana"")"\n-ben@example.com,@Ben\n',
    );
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toMatch(
      /^ana@example\.org,active,"'=HYPERLINK\(""https:\/\/evil\.example"",""Ana""\)",/,
    );
    expect(lines[2]).toMatch(/^'-ben@example\.com,active,'@Ben,/);
    expect((await collect(store.all())).map((subscriber) => [subscriber.email, subscriber.name])).toEqual([
      ['ana@example.org', '=HYPERLINK("https://evil.example","Ana")'],
      ['-ben@example.com', '@Ben'],
    ]);
  });
});

describe('CsvSubscriberStore on disk', () => {
  it('gives a new list owner-only permissions, keeps an existing list’s, and leaves no working files', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'subscribers.csv');
    await importCsv(new CsvSubscriberStore(path), 'email\nana@example.org\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o640);
    await new CsvSubscriberStore(path).setStatus('ana@example.org', 'bounced', '2026-11-23T00:00:00.000Z');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(folder)).toEqual(['subscribers.csv']);
  });

  it('removes the working files of a killed run, and leaves those of a running one', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'subscribers.csv');
    writeFileSync(path, 'email\nana@example.org\n');
    const dead = await deadPid();
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(join(folder, `.subscribers.csv.${dead}.new.tmp`), 'email\nana@exa', { mode: 0o600 });
      mkdirSync(join(folder, `.subscribers.csv.${dead}.index.tmp`));
      writeFileSync(join(folder, `.subscribers.csv.${running.pid}.new.tmp`), 'email\n', { mode: 0o600 });

      await new CsvSubscriberStore(path).setStatus('ana@example.org', 'bounced', '2026-11-23T00:00:00.000Z');

      expect(readdirSync(folder).sort()).toEqual([
        `.subscribers.csv.${running.pid}.new.tmp`,
        'subscribers.csv',
      ]);
    } finally {
      running.kill();
    }
  });

  it('takes over a lock left by a process that was killed', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'subscribers.csv');
    writeFileSync(path, 'email\nana@example.org\n');
    writeFileSync(`${path}.lock`, `${await deadPid()}\n`);
    expect(
      await new CsvSubscriberStore(path).setStatus('ana@example.org', 'bounced', '2026-11-23T00:00:00.000Z'),
    ).toBe(true);
    expect(readdirSync(folder)).toEqual(['subscribers.csv']);
  });

  it('waits for a running process’s lock, then gives up with a one-line error that says what to do', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'subscribers.csv');
    writeFileSync(path, 'email\nana@example.org\n');
    const running = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(`${path}.lock`, `${running.pid}\n`);
      const waits: (number | undefined)[] = [];
      const store = new CsvSubscriberStore(path, undefined, {
        lockTimeoutMs: 200,
        onLockWait: (pid) => waits.push(pid),
      });
      await expect(store.setStatus('ana@example.org', 'bounced', '2026-11-23T00:00:00.000Z')).rejects.toThrow(
        `${path}.lock is held by another digest (pid ${running.pid}) and was not released in time: wait for it to finish, or delete ${path}.lock if no digest is running`,
      );
      expect(waits).toEqual([running.pid]);
      expect(readFileSync(path, 'utf8')).toBe('email\nana@example.org\n');
    } finally {
      running.kill();
    }
  });
});
