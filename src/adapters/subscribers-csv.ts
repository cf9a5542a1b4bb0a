import { rm, stat } from 'node:fs/promises';
import type {
  ImportOutcome,
  ImportRow,
  Subscriber,
  SubscriberStatus,
  SubscriberStore,
} from '../core/delivery/subscriber.js';
import { DigestError } from '../core/errors.js';
import { readCsvRecords } from './csv.js';
import { withFileLock } from './file-lock.js';
import { makeWorkingFolder, removeLeftovers, replaceFile } from './file-replace.js';
import { ImportIndex } from './subscribers-csv-index.js';
import {
  addressOf,
  checkHeaderCanGrow,
  fileLines,
  type Layout,
  layoutOf,
  NEW_FILE,
  readRow,
  type StoreRow,
  withStatus,
} from './subscribers-csv-rows.js';

/** A row that could not be used, with its line number; the reason never shows an address in clear. */
export interface InvalidRow {
  line: number;
  reason: string;
}

export interface CsvStoreOptions {
  /** How long a change waits for another process that is changing the file (default: 10 minutes). */
  lockTimeoutMs?: number;
  /** Called when a change starts waiting for another process that is changing the file. */
  onLockWait?: (holderPid: number | undefined) => void;
}

/**
 * Subscribers in a local CSV file (`email,status,name,created_at,updated_at`; only `email` is
 * required). Reading streams the file. Every change takes the file's lock (`FILE.lock`), so one
 * process changes it at a time and an unsubscribe during a long import waits for it instead of
 * being overwritten; the new list is written beside the old one and renamed over it once flushed
 * to disk, so a crash or `kill -9` leaves the old list or the new one, never half of one. Imports
 * merge through an on-disk index, so memory stays flat whatever the list size.
 *
 * Cells are written formula-safe (see `csvLine`): people open this file in spreadsheets, and
 * names come from import files; reading removes the guard again, so values round-trip.
 */
export class CsvSubscriberStore implements SubscriberStore {
  constructor(
    readonly path: string,
    private readonly onInvalid: (row: InvalidRow) => void = () => {},
    private readonly options: CsvStoreOptions = {},
  ) {}

  async *all(): AsyncIterable<Subscriber> {
    const file = await this.open();
    if (!file) {
      throw new DigestError(
        `subscribers file not found: ${this.path}: add subscribers with "digest subscribers import FILE.csv"`,
      );
    }
    for await (const row of file.rows) if (row.kind === 'subscriber') yield row.subscriber;
  }

  async get(email: string): Promise<Subscriber | undefined> {
    const file = await this.open();
    if (!file) return undefined;
    for await (const row of file.rows)
      if (row.kind === 'subscriber' && row.subscriber.email === email) return row.subscriber;
    return undefined;
  }

  async importRows(
    rows: AsyncIterable<ImportRow>,
    onOutcome: (row: ImportRow, outcome: ImportOutcome) => void,
  ): Promise<void> {
    await this.changing(async () => {
      const folder = await makeWorkingFolder(this.path, 'index');
      const index = new ImportIndex(folder);
      try {
        await index.open();
        const file = await this.open();
        if (file) {
          await checkHeaderCanGrow(this.path, file.layout);
          await index.addStoreRows(file.rows);
        }
        await index.merge(rows, new Date().toISOString(), onOutcome);
        await replaceFile(this.path, fileLines(file?.layout ?? NEW_FILE, index.rows()));
      } finally {
        await index.close();
        await rm(folder, { recursive: true, force: true });
      }
    });
  }

  /** Also the way back for an address held with an unknown status (a confirmation, an unsubscribe). */
  async setStatus(email: string, status: SubscriberStatus, now: string): Promise<boolean> {
    return this.changing(async () => {
      const file = await this.open();
      if (!file) return false;
      await checkHeaderCanGrow(this.path, file.layout);
      let found = false;
      const path = this.path;
      const changed = (async function* () {
        for await (const row of file.rows) {
          if (addressOf(row) !== email) yield row;
          else {
            found = true;
            yield withStatus(row, status, now, file.layout, path);
          }
        }
      })();
      await replaceFile(this.path, fileLines(file.layout, changed));
      return found;
    });
  }

  // Stand-ins until the stores implement the public site's lifecycle (issue 13).
  async update<T>(
    _email: string,
    _change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T> {
    throw new Error('not implemented yet');
  }

  async forget(_email: string, _now: string): Promise<boolean> {
    throw new Error('not implemented yet');
  }

  async close(): Promise<void> {}

  /** Runs a read-modify-rename of the file under its lock, after clearing what killed runs left. */
  private changing<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(
      this.path,
      async () => {
        await removeLeftovers(this.path);
        return work();
      },
      {
        ...(this.options.lockTimeoutMs !== undefined ? { timeoutMs: this.options.lockTimeoutMs } : {}),
        ...(this.options.onLockWait ? { onWait: this.options.onLockWait } : {}),
      },
    );
  }

  /** The file's layout and rows (held rows are reported as they pass); undefined when there is no file. */
  private async open(): Promise<{ layout: Layout; rows: AsyncIterable<StoreRow> } | undefined> {
    const fallbackTime = await this.modifiedTime();
    if (!fallbackTime) return undefined;
    const records = readCsvRecords(this.path)[Symbol.asyncIterator]();
    const first = await records.next();
    if (first.done) return { layout: NEW_FILE, rows: (async function* () {})() };
    const layout = layoutOf(first.value, this.path);
    const onInvalid = this.onInvalid;
    const rows = (async function* () {
      try {
        for (let next = await records.next(); !next.done; next = await records.next()) {
          const row = readRow(next.value, layout, fallbackTime);
          if (row.kind === 'held') onInvalid({ line: row.line, reason: row.reason });
          yield row;
        }
      } finally {
        await records.return?.();
      }
    })();
    return { layout, rows };
  }

  private async modifiedTime(): Promise<string | undefined> {
    try {
      const info = await stat(this.path);
      if (info.isDirectory())
        throw new DigestError(`${this.path} is a folder, not a file: give the path of the CSV`);
      return info.mtime.toISOString();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
