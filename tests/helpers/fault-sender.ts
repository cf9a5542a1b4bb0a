// A sender process for the fault tests: the real pipeline (deliverIssue, LevelLedger, SesOutbox)
// against a local SES server, with faults no local server produces injected as SDK middleware:
// 20% of calls throttled, and every recipient whose number ends in 42 permanently rejected.
// It prints `progress N` as messages go out and `summary {...}` at the end.
import { SESClient } from '@aws-sdk/client-ses';
import { LevelLedger } from '../../src/adapters/ledger-level.js';
import { SesOutbox } from '../../src/adapters/outbox-ses.js';
import { deliverIssue } from '../../src/core/delivery/deliver.js';
import { IDENTITY, ISSUE, SECRET, subscribers } from './sending.js';

const [ledgerFolder = '', endpoint = '', count = '1000', concurrency = '16'] = process.argv.slice(2);
const client = new SESClient({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
client.middlewareStack.add(
  (next) => async (args) => {
    const to = (args as { input?: { Destinations?: string[] } }).input?.Destinations?.[0] ?? '';
    if (Math.random() < 0.2)
      throw Object.assign(new Error('Maximum sending rate exceeded.'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
    if (Number(/reader(\d+)@/.exec(to)?.[1]) % 100 === 42)
      throw Object.assign(new Error('Mailbox unavailable'), {
        name: 'MessageRejected',
        $metadata: { httpStatusCode: 400 },
      });
    return next(args);
  },
  { step: 'initialize', name: 'injectFaults', priority: 'high' },
);
const ledger = await LevelLedger.open(ledgerFolder);
let reported = 0;
const summary = await deliverIssue(ISSUE, subscribers(Number(count)), {
  identity: IDENTITY,
  unsubscribeSecret: SECRET,
  ledger,
  outbox: new SesOutbox({ client }),
  rateLimit: async () => {},
  concurrency: Number(concurrency),
  backoff: { baseMs: 2, capMs: 100, maxAttempts: 12 },
  onProgress: (progress) => {
    if (progress.sent - reported >= 50) {
      reported = progress.sent;
      process.stdout.write(`progress ${progress.sent}\n`);
    }
  },
});
await ledger.close();
process.stdout.write(`summary ${JSON.stringify(summary)}\n`);
