import { type Command, Option } from 'commander';
import { normalizeAddress } from '../core/address.js';
import { DigestError, UsageError } from '../core/errors.js';
import {
  type ImportOutcome,
  type ImportRow,
  SUBSCRIBER_STATUSES,
  type SubscriberStatus,
  type SubscriberStore,
} from '../core/subscriber.js';
import type { Settings } from './settings.js';
import { openSubscriberStore } from './stores.js';

type Output = (text: string) => void;
type WithSettings = (options: Record<string, unknown>) => Settings;

/** `digest subscribers import|add|list|unsubscribe|count` on the store named by --subscribers. */
export function registerSubscribers(program: Command, settingsFor: WithSettings, out: Output): void {
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
      const settings = settingsFor(options);
      const { readImportFile } = await import('../adapters/subscribers-csv.js');
      const invalid: string[] = [];
      const counts: Record<ImportOutcome, number> = {
        added: 0,
        updated: 0,
        unchanged: 0,
        'kept-suppressed': 0,
      };
      await withStore(settings, (store) =>
        store.importRows(
          readImportFile(file, (row) => invalid.push(`line ${row.line}: ${row.reason}`)),
          (_row, outcome) => {
            counts[outcome]++;
          },
        ),
      ).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new UsageError(`import file not found: ${file}`);
        throw error;
      });
      out(
        [
          `Imported ${file} into ${settings.subscribers}:`,
          `  added ${counts.added}, updated ${counts.updated}, unchanged ${counts.unchanged}, kept unsubscribed/bounced/complained ${counts['kept-suppressed']}`,
          ...(invalid.length
            ? [`  ${invalid.length} line(s) skipped:`, ...invalid.slice(0, 50).map((line) => `    - ${line}`)]
            : []),
          ...(invalid.length > 50 ? [`    … and ${invalid.length - 50} more`] : []),
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
      const settings = settingsFor(options);
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
      out(
        {
          added: `Added ${row.email}.`,
          updated: `Updated ${row.email}.`,
          unchanged: `${row.email} is already subscribed.`,
          'kept-suppressed': `${row.email} unsubscribed, bounced or complained earlier, so it stays off the list.`,
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
      const settings = settingsFor(options);
      const status = options.status as SubscriberStatus | undefined;
      out('email,status,name,created_at,updated_at');
      await withStore(settings, async (store) => {
        for await (const subscriber of store.all()) {
          if (status && subscriber.status !== status) continue;
          out(
            [
              subscriber.email,
              subscriber.status,
              subscriber.name ?? '',
              subscriber.createdAt,
              subscriber.updatedAt,
            ]
              .map(csvField)
              .join(','),
          );
        }
      });
    });

  group
    .command('unsubscribe')
    .description('mark one subscriber as unsubscribed')
    .argument('<email>')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (email: string, options: Record<string, unknown>) => {
      const settings = settingsFor(options);
      const address = validAddress(email);
      const found = await withStore(settings, (store) =>
        store.setStatus(address, 'unsubscribed', new Date().toISOString()),
      );
      if (!found)
        throw new DigestError(`${address} is not on the list ${settings.subscribers}: nothing changed`);
      out(`Unsubscribed ${address}.`);
    });

  group
    .command('count')
    .description('count subscribers by status')
    .addOption(storeOption())
    .addOption(dynamoOption())
    .action(async (options: Record<string, unknown>) => {
      const settings = settingsFor(options);
      const counts: Record<SubscriberStatus, number> = {
        active: 0,
        unsubscribed: 0,
        bounced: 0,
        complained: 0,
      };
      await withStore(settings, async (store) => {
        for await (const subscriber of store.all()) counts[subscriber.status]++;
      });
      const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
      out(
        [
          `${total} subscribers in ${settings.subscribers}:`,
          ...SUBSCRIBER_STATUSES.map((status) => `  ${status.padEnd(13)}${counts[status]}`),
        ].join('\n'),
      );
    });
}

async function withStore<T>(settings: Settings, work: (store: SubscriberStore) => Promise<T>): Promise<T> {
  const store = await openSubscriberStore(settings);
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

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
