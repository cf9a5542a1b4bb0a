import { type Command, Option } from 'commander';
import { csvLine } from '../adapters/csv.js';
import type { InvalidRow } from '../adapters/subscribers-csv.js';
import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import {
  type ImportOutcome,
  type ImportRow,
  SUBSCRIBER_STATUSES,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/delivery/subscriber.js';
import { DigestError, UsageError } from '../core/errors.js';
import type { Settings } from '../settings/settings.js';
import { openSubscriberStore } from '../settings/stores.js';

type Output = (text: string) => void;
type WithSettings = (options: Record<string, unknown>) => Promise<Settings>;

/**
 * `digest subscribers import|add|list|unsubscribe|count` on the store named by --subscribers.
 * Only `list` prints addresses (it is the export); every other message and report masks them.
 */
export function registerSubscribers(
  program: Command,
  settingsFor: WithSettings,
  out: Output,
  err: Output,
): void {
  const withStore = <T>(settings: Settings, work: (store: SubscriberStore) => Promise<T>, held?: RowReport) =>
    withOpenStore(settings, work, held, (pid) =>
      err(
        `digest: ${settings.subscribers} is being changed by another digest (pid ${pid ?? 'unknown'}); waiting for it to finish…`,
      ),
    );
  const group = program
    .command('subscribers')
    .summary('manage the subscriber list (a CSV file or a DynamoDB table)')
    .description(
      'Manage the subscriber list. The store is a CSV file or dynamodb://TABLE, from --subscribers (default: subscribers.csv).',
    );
  const storeOption = () =>
    new Option('--subscribers <file|dynamodb://table>', 'the subscriber store (default: subscribers.csv)');
  const dynamoOption = () => new Option('--dynamodb-endpoint <url>', 'a local DynamoDB endpoint');

  group
    .command('import')
    .description(
      'add the addresses of a CSV file (an "email" column; "name" and "status" optional); never re-activates an unsubscribed, bounced or complained address',
    )
    .argument('<file.csv>')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (file: string, options: Record<string, unknown>) => {
      const settings = await settingsFor(options);
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
      await withStore(
        settings,
        (store) =>
          store.importRows(importRows, (_row, outcome) => {
            counts[outcome]++;
          }),
        held,
      );
      const imported = Object.values(counts).reduce((sum, count) => sum + count, 0);
      out(
        [
          `Imported ${file} into ${settings.subscribers}: ${lines(imported)} imported, ${number(skipped.count)} skipped`,
          `  added ${number(counts.added)}, updated ${number(counts.updated)}, unchanged ${number(counts.unchanged)}, stayed suppressed ${number(counts['kept-suppressed'])} (unsubscribed, bounced, complained or unknown status)`,
          ...skipped.lines(`${lines(skipped.count)} of ${file} skipped:`),
          ...held.lines(`${rows(held.count)} of ${settings.subscribers} kept as found and not mailed:`),
        ].join('\n'),
      );
    });

  group
    .command('add')
    .description('add one subscriber (an address that unsubscribed stays unsubscribed)')
    .argument('<email>')
    .option('--name <name>', 'the subscriber’s name')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (email: string, options: Record<string, unknown>) => {
      const settings = await settingsFor(options);
      const row: ImportRow = {
        email: validAddress(email),
        ...(typeof options.name === 'string' ? { name: options.name } : {}),
      };
      let outcome: ImportOutcome = 'unchanged';
      await withStore(settings, (store) =>
        store.importRows(once(row), (_row, result) => {
          outcome = result;
        }),
      );
      const masked = maskAddress(row.email);
      out(
        {
          added: `Added ${masked}.`,
          updated: `Updated ${masked}.`,
          unchanged: `${masked} is already subscribed.`,
          'kept-suppressed': `${masked} unsubscribed, bounced, complained or has an unknown status, so it stays off the list.`,
        }[outcome],
      );
    });

  group
    .command('list')
    .description('print subscribers as CSV')
    .addOption(new Option('--status <status>', 'only this status').choices([...SUBSCRIBER_STATUSES]))
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (options: Record<string, unknown>) => {
      const settings = await settingsFor(options);
      const status = options.status as SubscriberStatus | undefined;
      const held = new RowReport();
      // The header is printed once the store has answered: a missing store is an error, not an
      // empty export.
      let header = false;
      await withStore(
        settings,
        async (store) => {
          for await (const subscriber of store.all()) {
            if (!header) {
              out(csvLine(['email', 'status', 'name', 'created_at', 'updated_at']));
              header = true;
            }
            if (status && subscriber.status !== status) continue;
            out(
              csvLine([
                subscriber.email,
                subscriber.status,
                subscriber.name ?? '',
                subscriber.createdAt,
                subscriber.updatedAt,
              ]),
            );
          }
        },
        held,
      );
      if (!header) out(csvLine(['email', 'status', 'name', 'created_at', 'updated_at']));
      if (held.count > 0) {
        err(
          `digest: ${rows(held.count)} of ${settings.subscribers} not listed (kept in the file, not mailed): see "digest subscribers count"`,
        );
      }
    });

  group
    .command('unsubscribe')
    .description('mark one subscriber as unsubscribed')
    .argument('<email>')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (email: string, options: Record<string, unknown>) => {
      const settings = await settingsFor(options);
      const address = validAddress(email);
      const found = await withStore(settings, (store) =>
        store.setStatus(address, 'unsubscribed', new Date().toISOString()),
      );
      if (!found)
        throw new DigestError(
          `${maskAddress(address)} is not on the list ${settings.subscribers}: nothing changed`,
        );
      out(`Unsubscribed ${maskAddress(address)}.`);
    });

  group
    .command('count')
    .description('count subscribers by status')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (options: Record<string, unknown>) => {
      const settings = await settingsFor(options);
      const counts = Object.fromEntries(SUBSCRIBER_STATUSES.map((status) => [status, 0])) as Record<
        SubscriberStatus,
        number
      >;
      const held = new RowReport();
      await withStore(
        settings,
        async (store) => {
          for await (const subscriber of store.all()) counts[subscriber.status]++;
        },
        held,
      );
      const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
      out(
        [
          `${number(total)} ${total === 1 ? 'subscriber' : 'subscribers'} in ${settings.subscribers}:`,
          ...SUBSCRIBER_STATUSES.map((status) => `  ${status.padEnd(13)}${number(counts[status])}`),
          ...held.lines(`${rows(held.count)} kept as found and not mailed:`),
        ].join('\n'),
      );
    });
}

/** Opens the store named in the settings; rows it cannot use are collected in `held`, as report lines. */
async function withOpenStore<T>(
  settings: Settings,
  work: (store: SubscriberStore) => Promise<T>,
  held: RowReport | undefined,
  onLockWait: (holderPid: number | undefined) => void,
): Promise<T> {
  const store = await openSubscriberStore(settings, held && ((row) => held.add(row)), {
    onLockWait,
  });
  try {
    return await work(store);
  } finally {
    await store.close();
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
