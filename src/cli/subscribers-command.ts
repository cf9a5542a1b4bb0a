import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { csvLine } from '../adapters/csv.js';
import type { LineFile } from '../adapters/fs-output.js';
import type { InvalidRow } from '../adapters/subscribers-csv.js';
import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import {
  type ImportOutcome,
  type ImportRow,
  isExpiredPending,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/delivery/subscriber.js';
import { DigestError, UsageError } from '../core/errors.js';
import type { Settings } from '../settings/settings.js';
import { openSubscriberStore } from '../settings/stores.js';
import type { SubscribersCommandName } from './commands.js';

type Output = (text: string) => void;
type Options = Record<string, unknown>;

export interface SubscribersIo {
  settingsFor: (options: Options) => Promise<Settings>;
  out: Output;
  err: Output;
}

const EXPORT_COLUMNS = ['email', 'status', 'name', 'created_at', 'updated_at'];

/**
 * Runs `digest subscribers NAME` (described in commands.ts) on the store named by --subscribers,
 * with commander's action arguments: the command's own arguments, then its options.
 * Only `export` and `list` print addresses (they are the export); every other message and report
 * masks them.
 */
export async function runSubscribers(
  name: SubscribersCommandName,
  args: unknown[],
  io: SubscribersIo,
): Promise<void> {
  const options = args.at(-2) as Options;
  const [argument = ''] = args.slice(0, -2) as string[];
  const settings = await io.settingsFor(options);
  const run = new SubscribersRun(settings, io);
  await {
    import: () => run.importFile(argument),
    add: () => run.add(argument, typeof options.name === 'string' ? options.name : undefined),
    list: () => run.export(options.status as SubscriberStatus | undefined),
    export: () =>
      run.export(
        options.status as SubscriberStatus | undefined,
        typeof options.out === 'string' ? options.out : undefined,
      ),
    unsubscribe: () => run.unsubscribe(argument),
    forget: () => run.forget(argument),
    count: () => run.count(),
    'purge-pending': () => run.purgePending(),
  }[name]();
}

class SubscribersRun {
  constructor(
    private readonly settings: Settings,
    private readonly io: SubscribersIo,
  ) {}

  async importFile(file: string): Promise<void> {
    const { openImportFile } = await import('../adapters/subscribers-import-file.js');
    const skipped = new RowReport();
    const held = new RowReport();
    const counts: Record<ImportOutcome, number> = {
      added: 0,
      updated: 0,
      unchanged: 0,
      'kept-suppressed': 0,
    };
    const importRows = await openImportFile(file, (row) => skipped.add(row));
    await this.withStore(
      (store) =>
        store.importRows(importRows, (_row, outcome) => {
          counts[outcome]++;
        }),
      held,
    );
    const imported = Object.values(counts).reduce((sum, count) => sum + count, 0);
    this.io.out(
      [
        `Imported ${file} into ${this.settings.subscribers}: ${lines(imported)} imported, ${number(skipped.count)} skipped`,
        `  added ${number(counts.added)}, updated ${number(counts.updated)}, unchanged ${number(counts.unchanged)}, stayed suppressed ${number(counts['kept-suppressed'])} (unsubscribed, bounced, complained, pending, forgotten or unknown status)`,
        ...skipped.lines(`${lines(skipped.count)} of ${file} skipped:`),
        ...held.lines(`${rows(held.count)} of ${this.settings.subscribers} kept as found and not mailed:`),
      ].join('\n'),
    );
  }

  async add(email: string, name: string | undefined): Promise<void> {
    const row: ImportRow = { email: validAddress(email), ...(name !== undefined ? { name } : {}) };
    let outcome: ImportOutcome = 'unchanged';
    await this.withStore((store) =>
      store.importRows(once(row), (_row, result) => {
        outcome = result;
      }),
    );
    const masked = maskAddress(row.email);
    this.io.out(
      {
        added: `Added ${masked}.`,
        updated: `Updated ${masked}.`,
        unchanged: `${masked} is already subscribed.`,
        'kept-suppressed': `${masked} unsubscribed, bounced, complained, was forgotten, has not confirmed a sign-up or has an unknown status, so it stays off the list.`,
      }[outcome],
    );
  }

  /**
   * Every row as CSV, formula-safe, to stdout or to `out` (mode 0600, in place only once complete).
   * The header goes out once the store has answered: a missing store is an error, not an empty export.
   */
  async export(status: SubscriberStatus | undefined, out?: string): Promise<void> {
    const { io, settings } = this;
    const file = out ? await this.openOut(out) : undefined;
    const write = file ? (line: string) => file.write(line) : async (line: string) => io.out(line);
    const held = new RowReport();
    let header = false;
    let exported = 0;
    try {
      await this.withStore(async (store) => {
        for await (const subscriber of store.all()) {
          if (!header) await write(csvLine(EXPORT_COLUMNS));
          header = true;
          if (status && subscriber.status !== status) continue;
          const { email, name = '', createdAt, updatedAt } = subscriber;
          await write(csvLine([email, subscriber.status, name, createdAt, updatedAt]));
          exported++;
        }
      }, held);
      if (!header) await write(csvLine(EXPORT_COLUMNS));
      await file?.close();
    } catch (error) {
      await file?.discard();
      throw error;
    }
    if (held.count > 0) {
      io.err(
        `digest: ${rows(held.count)} of ${settings.subscribers} not exported (kept in the file, not mailed): see "digest subscribers count"`,
      );
    }
    if (out)
      io.out(`Exported ${rows(exported)} of ${settings.subscribers} to ${out} (readable by you only).`);
  }

  async unsubscribe(email: string): Promise<void> {
    const address = validAddress(email);
    const found = await this.withStore((store) =>
      store.setStatus(address, 'unsubscribed', new Date().toISOString()),
    );
    if (!found)
      throw new DigestError(
        `${maskAddress(address)} is not on the list ${this.settings.subscribers}: nothing changed`,
      );
    this.io.out(`Unsubscribed ${maskAddress(address)}.`);
  }

  async forget(email: string): Promise<void> {
    const address = validAddress(email);
    await this.checkStoreExists();
    const found = await this.withStore((store) => store.forget(address, new Date().toISOString()));
    const masked = maskAddress(address);
    this.io.out(
      found
        ? `Forgot ${masked}: its row in ${this.settings.subscribers} is erased, and only a hash of the address is kept so it is never mailed or added again.`
        : `${masked} was not on the list ${this.settings.subscribers}: a hash of the address is kept anyway, so it is never mailed or added.`,
    );
  }

  async count(): Promise<void> {
    const counted = ['active', 'unsubscribed', 'bounced', 'complained', 'pending'] as const;
    const counts = {
      active: 0,
      unsubscribed: 0,
      bounced: 0,
      complained: 0,
      pending: 0,
      forgotten: 0,
      expired: 0,
    };
    const held = new RowReport();
    const now = new Date();
    await this.withStore(async (store) => {
      for await (const subscriber of store.all()) {
        if (isExpiredPending(subscriber, now)) counts.expired++;
        else counts[subscriber.status]++;
      }
    }, held);
    const total = counted.reduce((sum, status) => sum + counts[status], 0);
    this.io.out(
      [
        `${number(total)} ${total === 1 ? 'subscriber' : 'subscribers'} in ${this.settings.subscribers}:`,
        ...counted.map((status) => `  ${status.padEnd(13)}${number(counts[status])}`),
        `  forgotten    ${number(counts.forgotten)} (erased; only a hash is kept, so they are never mailed; not counted)`,
        `  expired sign-ups (not counted; purge-pending removes those of new addresses): ${number(counts.expired)}`,
        ...held.lines(`${rows(held.count)} kept as found and not mailed:`),
      ].join('\n'),
    );
  }

  async purgePending(): Promise<void> {
    const purged = await this.withStore((store) => store.purgeExpired(new Date()));
    this.io.out(
      `Purged ${number(purged)} expired ${purged === 1 ? 'sign-up' : 'sign-ups'} from ${this.settings.subscribers}; an expired sign-up of an address that had unsubscribed stays (never mailed), so no import can bring the address back.`,
    );
  }

  /** Opens the store; rows it cannot use are collected in `held`, as report lines. */
  private async withStore<T>(work: (store: SubscriberStore) => Promise<T>, held?: RowReport): Promise<T> {
    const { settings, io } = this;
    const store = await openSubscriberStore(settings, held && ((row) => held.add(row)), {
      onLockWait: (pid) =>
        io.err(
          `digest: ${settings.subscribers} is being changed by another digest (pid ${pid ?? 'unknown'}); waiting for it to finish…`,
        ),
    });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  /**
   * The file `--out` names, checked first: an export written over the CSV store would replace the
   * list with less than it holds.
   */
  private async openOut(out: string): Promise<LineFile> {
    const store = this.settings.subscribers;
    const where = (path: string) => realpath(path).catch(() => resolve(path));
    if (!store.startsWith('dynamodb:') && (await where(out)) === (await where(store)))
      throw new UsageError(`--out ${out} is the subscriber list itself: give another file to export to`);
    if ((await stat(out).catch(() => undefined))?.isDirectory())
      throw new UsageError(`--out ${out} is a folder: give the path of a file to export to`);
    const { openPrivateLineFile } = await import('../adapters/fs-output.js');
    try {
      return await openPrivateLineFile(out);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new DigestError(`--out ${out}: its folder does not exist: create it, or give another path`);
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
        throw new DigestError(`--out ${out}: cannot write there (${code}): check the folder's permissions`);
      throw error;
    }
  }

  /** Erasing on a list that is not there would start a new one: more likely a mistyped --subscribers. */
  private async checkStoreExists(): Promise<void> {
    const store = this.settings.subscribers;
    if (store.startsWith('dynamodb:') || (await stat(store).catch(() => undefined))) return;
    throw new DigestError(`subscribers file not found: ${store}: check --subscribers`);
  }
}

function validAddress(email: string): string {
  const result = normalizeAddress(email);
  if (!result.ok) throw new UsageError(`${result.reason}: give one address like ana@example.org`);
  return result.email;
}

async function* once<T>(item: T): AsyncIterable<T> {
  yield item;
}

/** Rows that could not be used: how many, and the first 50 as report lines (a broken file can have millions). */
class RowReport {
  count = 0;
  private readonly first: string[] = [];

  add(row: InvalidRow): void {
    this.count++;
    if (this.first.length < 50) this.first.push(`line ${row.line}: ${row.reason}`);
  }

  /** The heading and the rows, indented; nothing when there are none. */
  lines(heading: string): string[] {
    if (this.count === 0) return [];
    return [
      `  ${heading}`,
      ...this.first.map((line) => `    - ${line}`),
      ...(this.count > this.first.length ? [`    … and ${number(this.count - this.first.length)} more`] : []),
    ];
  }
}

const number = (value: number) => value.toLocaleString('en-US');
const lines = (count: number) => `${number(count)} ${count === 1 ? 'line' : 'lines'}`;
const rows = (count: number) => `${number(count)} ${count === 1 ? 'row' : 'rows'}`;
