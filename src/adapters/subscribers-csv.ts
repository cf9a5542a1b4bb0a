import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ClassicLevel } from 'classic-level';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { normalizeAddress } from '../core/address.js';
import { DigestError } from '../core/errors.js';
import {
  type ImportOutcome,
  type ImportRow,
  mergeImport,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/subscriber.js';

const COLUMNS = ['email', 'status', 'name', 'created_at', 'updated_at'] as const;

/** A row of the store file that could not be used, with its line number. */
export interface InvalidRow {
  line: number;
  reason: string;
}

/**
 * Subscribers in a local CSV file (`email,status,name,created_at,updated_at`; only `email` is
 * required). Reading streams the file; changes are written to a new file that replaces the old
 * one in one rename, so a crash never leaves half a list. Imports merge through a temporary
 * on-disk index, so memory stays flat whatever the list size.
 */
export class CsvSubscriberStore implements SubscriberStore {
  constructor(
    readonly path: string,
    private readonly onInvalid: (row: InvalidRow) => void = () => {},
  ) {}

  async *all(): AsyncIterable<Subscriber> {
    const fallbackTime = await this.modifiedTime();
    if (!fallbackTime) {
      throw new DigestError(
        `subscribers file not found: ${this.path}: add subscribers with "digest subscribers import FILE.csv"`,
      );
    }
    for await (const { record, line } of csvRecords(this.path)) {
      const subscriber = toSubscriber(record, fallbackTime);
      if ('reason' in subscriber) this.onInvalid({ line, reason: subscriber.reason });
      else yield subscriber;
    }
  }

  async get(email: string): Promise<Subscriber | undefined> {
    if (!(await this.modifiedTime())) return undefined;
    for await (const subscriber of this.all()) if (subscriber.email === email) return subscriber;
    return undefined;
  }

  async importRows(
    rows: AsyncIterable<ImportRow>,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void> {
    const folder = await mkdtemp(join(tmpdir(), 'digest-import-'));
    const index = new ClassicLevel<string, Subscriber>(folder, { valueEncoding: 'json' });
    try {
      await index.open();
      if (await this.modifiedTime()) {
        let batch = index.batch();
        for await (const subscriber of this.all()) {
          batch.put(subscriber.email, subscriber);
          if (batch.length >= 1000) {
            await batch.write();
            batch = index.batch();
          }
        }
        await batch.write();
      }
      const now = new Date().toISOString();
      for await (const row of rows) {
        const { subscriber, outcome } = mergeImport(await index.get(row.email), row, now);
        if (outcome === 'added' || outcome === 'updated') await index.put(row.email, subscriber);
        onOutcome(row, outcome);
      }
      await this.replaceWith(index.values());
    } finally {
      await index.close();
      await rm(folder, { recursive: true, force: true });
    }
  }

  async setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean> {
    if (!(await this.modifiedTime())) return false;
    let found = false;
    const self = this;
    await this.replaceWith(
      (async function* () {
        for await (const subscriber of self.all()) {
          if (subscriber.email === email) {
            found = true;
            yield { ...subscriber, status, updatedAt: now };
          } else yield subscriber;
        }
      })(),
    );
    return found;
  }

  async close(): Promise<void> {}

  private async modifiedTime(): Promise<string | undefined> {
    try {
      return (await stat(this.path)).mtime.toISOString();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Writes subscribers to a new file beside the store, then renames it over the store. */
  private async replaceWith(subscribers: AsyncIterable<Subscriber>): Promise<void> {
    const temporary = join(dirname(this.path), `.${Date.now()}-${process.pid}.subscribers.tmp`);
    const rows = (async function* () {
      for await (const subscriber of subscribers) {
        yield [
          subscriber.email,
          subscriber.status,
          subscriber.name ?? '',
          subscriber.createdAt,
          subscriber.updatedAt,
        ];
      }
    })();
    try {
      await pipeline(rows, stringify({ header: true, columns: [...COLUMNS] }), createWriteStream(temporary));
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

function toSubscriber(record: Record<string, string>, fallbackTime: string): Subscriber | { reason: string } {
  const address = normalizeAddress(record.email ?? '');
  if (!address.ok) return { reason: address.reason };
  const status = (record.status || 'active').toLowerCase();
  if (!SUBSCRIBER_STATUSES.includes(status as SubscriberStatus)) {
    return { reason: `status "${record.status}" is not one of ${SUBSCRIBER_STATUSES.join(', ')}` };
  }
  return {
    email: address.email,
    status: status as SubscriberStatus,
    ...(record.name ? { name: record.name } : {}),
    createdAt: record.created_at || fallbackTime,
    updatedAt: record.updated_at || fallbackTime,
  };
}

/**
 * Reads an import file (CSV with an `email` column; `name` and `status` optional), validating and
 * normalising each row. Bad rows are reported with their line number; nothing else is dropped.
 */
export async function* readImportFile(
  path: string,
  onInvalid: (row: InvalidRow) => void,
): AsyncIterable<ImportRow> {
  let checkedHeader = false;
  for await (const { record, line } of csvRecords(path)) {
    if (!checkedHeader) {
      if (!('email' in record))
        throw new DigestError(`${path}: the first line must be a header with an "email" column`);
      checkedHeader = true;
    }
    const address = normalizeAddress(record.email ?? '');
    if (!address.ok) {
      onInvalid({ line, reason: address.reason });
      continue;
    }
    const status = record.status?.toLowerCase();
    if (status && !SUBSCRIBER_STATUSES.includes(status as SubscriberStatus)) {
      onInvalid({
        line,
        reason: `status "${record.status}" is not one of ${SUBSCRIBER_STATUSES.join(', ')}`,
      });
      continue;
    }
    yield {
      email: address.email,
      ...(record.name ? { name: record.name } : {}),
      ...(status ? { status: status as SubscriberStatus } : {}),
    };
  }
}

/** The rows of a CSV file with a header line, keyed by lower-cased column name, with their line numbers. */
async function* csvRecords(path: string): AsyncIterable<{ record: Record<string, string>; line: number }> {
  const parser = createReadStream(path).pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
      info: true,
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    yield { record, line: info.lines };
  }
}
