import { rm, stat } from 'node:fs/promises';
import { maskAddress } from '../core/delivery/address.js';
import {
  checkUpdateWrite,
  confirmationExpiry,
  forgottenKey,
  type ImportOutcome,
  type ImportRow,
  mayPurgeSignup,
  type Subscriber,
  SubscriberHeldError,
  type SubscriberStatus,
  type SubscriberStore,
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
  withConfirmationColumns,
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
 * Subscribers in a local CSV file (`email,status,name,created_at,updated_at`, and
 * `confirm_nonce,confirm_sent_at,pending_expires_at` once a sign-up is pending; only `email` is
 * required). An erased address leaves a `forgotten` row keyed by its hash (see `forgottenKey`).
 * Reading streams the file. Every change takes the file's lock (`FILE.lock`), so one
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

  /**
   * Under the lock: one pass finds the address's rows and its forgotten entry, `change` decides,
   * and a second pass writes the file with the address's rows replaced (or the new row at its
   * end). Nothing is written when `change` writes nothing.
   */
  async update<T>(
    email: string,
    change: (existing: Subscriber | undefined) => { write?: Subscriber; result: T },
  ): Promise<T> {
    return this.changing(async () => {
      const key = forgottenKey(email);
      let existing: (StoreRow & { kind: 'subscriber' }) | undefined;
      let entry: Subscriber | undefined;
      for await (const row of (await this.open())?.rows ?? []) {
        if (row.kind === 'held' && (row.email === email || row.email === key)) {
          throw new SubscriberHeldError(
            `${this.path} line ${row.line} holds ${maskAddress(email)} but cannot be used (${row.reason}): fix the line (see "digest subscribers count")`,
          );
        }
        if (row.kind !== 'subscriber') continue;
        // A hand-edited file may list an address twice: if any of its rows is suppressed, the address is.
        if (row.subscriber.email === email && (!existing || existing.subscriber.status === 'active'))
          existing = row;
        if (row.subscriber.email === key) entry = row.subscriber;
      }
      const { write, result } = change(existing?.subscriber ?? entry);
      if (!write) return result;
      checkUpdateWrite(email, write);
      const before = existing && {
        status: existing.subscriber.status,
        mayPurge: existing.expiresAt !== undefined,
      };
      const expiry = mayPurgeSignup(before) ? confirmationExpiry(write) : undefined;
      const written: StoreRow = {
        kind: 'subscriber',
        subscriber: write,
        cells: [],
        ...(expiry ? { expiresAt: expiry.toISOString() } : {}),
      };
      // The rows were reported in the first pass already.
      const file = await this.open(false);
      const base = file?.layout ?? NEW_FILE;
      const layout = write.confirmation || expiry ? withConfirmationColumns(base) : base;
      if (file) await checkHeaderCanGrow(this.path, layout);
      const rows = file?.rows ?? empty();
      const updated = (async function* (): AsyncIterable<StoreRow> {
        let found = false;
        for await (const row of rows) {
          if (addressOf(row) !== email) yield row;
          else {
            found = true;
            yield { ...written, cells: row.kind === 'subscriber' ? row.cells : [] };
          }
        }
        if (!found) yield written;
      })();
      await replaceFile(this.path, fileLines(layout, updated));
      return result;
    });
  }

  /**
   * One rewrite under the lock: every row that holds the address goes (rows that cannot be read
   * too: erasing wins over keeping them), and its forgotten entry is written in place of an
   * earlier one, or at the end.
   */
  async forget(email: string, now: string): Promise<boolean> {
    return this.changing(async () => {
      const key = forgottenKey(email);
      const entry: StoreRow = {
        kind: 'subscriber',
        subscriber: { email: key, status: 'forgotten', createdAt: now, updatedAt: now },
        cells: [],
      };
      const file = await this.open();
      const layout = file?.layout ?? NEW_FILE;
      if (file) await checkHeaderCanGrow(this.path, layout);
      const rows = file?.rows ?? empty();
      let found = false;
      const erased = (async function* (): AsyncIterable<StoreRow> {
        let written = false;
        for await (const row of rows) {
          const address = addressOf(row);
          if (address === email) found = true;
          else if (address !== key) yield row;
          else if (!written) {
            written = true;
            yield entry;
          }
        }
        if (!written) yield entry;
      })();
      await replaceFile(this.path, fileLines(layout, erased));
      return found;
    });
  }

  /** One rewrite under the lock, without the expired sign-ups that may be purged. */
  async purgeExpired(now: Date): Promise<number> {
    return this.changing(async () => {
      const file = await this.open();
      if (!file) return 0;
      await checkHeaderCanGrow(this.path, file.layout);
      let purged = 0;
      const rows = file.rows;
      const kept = (async function* (): AsyncIterable<StoreRow> {
        for await (const row of rows) {
          const expired =
            row.kind === 'subscriber' &&
            row.subscriber.status === 'pending' &&
            row.expiresAt !== undefined &&
            Date.parse(row.expiresAt) < now.getTime();
          if (expired) purged++;
          else yield row;
        }
      })();
      await replaceFile(this.path, fileLines(file.layout, kept));
      return purged;
    });
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
  private async open(report = true): Promise<{ layout: Layout; rows: AsyncIterable<StoreRow> } | undefined> {
    const fallbackTime = await this.modifiedTime();
    if (!fallbackTime) return undefined;
    const records = readCsvRecords(this.path)[Symbol.asyncIterator]();
    const first = await records.next();
    if (first.done) return { layout: NEW_FILE, rows: (async function* () {})() };
    const layout = layoutOf(first.value, this.path);
    const onInvalid = report ? this.onInvalid : () => {};
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

async function* empty(): AsyncIterable<StoreRow> {}
