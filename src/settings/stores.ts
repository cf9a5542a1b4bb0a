import { join } from 'node:path';
import type { CsvStoreOptions, InvalidRow } from '../adapters/subscribers-csv.js';
import type { DeliveryLedger } from '../core/delivery/ledger.js';
import type { Outbox } from '../core/delivery/outbox.js';
import type { SubscriberStore } from '../core/delivery/subscriber.js';
import { UsageError } from '../core/errors.js';
import type { Settings } from './settings.js';

/**
 * Builds the adapters a command asks for from its settings. AWS clients are loaded only when a
 * DynamoDB table or SES is named, so local runs start fast.
 */
export async function openSubscriberStore(
  settings: Settings,
  onInvalid?: (row: InvalidRow) => void,
  csvOptions?: CsvStoreOptions,
): Promise<SubscriberStore> {
  if (settings.subscribers.startsWith('dynamodb:')) {
    const { createDocumentClient, parseDynamoUrl } = await import('../adapters/dynamodb.js');
    const { DynamoSubscriberStore } = await import('../adapters/subscribers-dynamodb.js');
    const table = parseDynamoUrl(settings.subscribers);
    if (!table)
      throw new UsageError(`--subscribers ${settings.subscribers} is not a table URL: use dynamodb://TABLE`);
    return new DynamoSubscriberStore(createDocumentClient(dynamoEndpoint(settings)), table);
  }
  const { CsvSubscriberStore } = await import('../adapters/subscribers-csv.js');
  return new CsvSubscriberStore(settings.subscribers, onInvalid, csvOptions);
}

export async function openLedger(settings: Settings): Promise<{ ledger: DeliveryLedger; label: string }> {
  const spec = settings.ledger ?? join(settings.digest, 'ledger');
  if (spec.startsWith('dynamodb:')) {
    const { createDocumentClient, parseDynamoUrl } = await import('../adapters/dynamodb.js');
    const { DynamoLedger } = await import('../adapters/ledger-dynamodb.js');
    const table = parseDynamoUrl(spec);
    if (!table) throw new UsageError(`--ledger ${spec} is not a table URL: use dynamodb://TABLE`);
    return { ledger: new DynamoLedger(createDocumentClient(dynamoEndpoint(settings)), table), label: spec };
  }
  const { LevelLedger } = await import('../adapters/ledger-level.js');
  return { ledger: await LevelLedger.open(spec), label: spec };
}

/**
 * The outbox `--outbox` names. Test messages and sign-up confirmations are kept apart from the
 * issue's: they go to the `test/` and `confirmations/` folders of a file outbox, so they are never
 * mistaken for (or confirm) a real delivery.
 */
export async function openOutbox(
  settings: Settings,
  purpose: 'issue' | 'test' | 'confirmation' = 'issue',
): Promise<{ outbox: Outbox; label: string }> {
  const spec = settings.outbox ?? `file:${join(settings.digest, 'outbox')}`;
  if (spec === 'ses') {
    // Real mail must carry unsubscribe links nobody else can forge.
    if (!settings.unsubscribeSecret) {
      throw new UsageError(
        'sending through SES needs an unsubscribe secret: set DIGEST_UNSUBSCRIBE_SECRET (16+ characters)',
      );
    }
    const { SesOutbox } = await import('../adapters/outbox-ses.js');
    return {
      outbox: new SesOutbox({
        ...(settings.configurationSet ? { configurationSetName: settings.configurationSet } : {}),
        ...(settings.sesEndpoint ? { endpoint: settings.sesEndpoint } : {}),
        timeoutMs: settings.sesTimeout * 1000,
        maxSockets: settings.concurrency ?? SES_CONCURRENCY,
      }),
      label: `SES (${settings.configurationSet ? `configuration set ${settings.configurationSet}` : 'no configuration set'})`,
    };
  }
  const { FileOutbox } = await import('../adapters/outbox-file.js');
  const base = spec.slice('file:'.length);
  const folder =
    purpose === 'test' ? join(base, 'test') : purpose === 'confirmation' ? join(base, 'confirmations') : base;
  return {
    outbox: new FileOutbox(folder, { perMessage: purpose === 'confirmation' }),
    label: `the file outbox ${folder}`,
  };
}

/** Messages in flight at once when --concurrency is not given. */
export const SES_CONCURRENCY = 16;
export const FILE_CONCURRENCY = 64;

function dynamoEndpoint(settings: Settings): string | undefined {
  return settings.dynamodbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
}
