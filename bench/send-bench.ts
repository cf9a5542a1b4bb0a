import { join } from 'node:path';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { LevelLedger } from '../src/adapters/ledger-level.js';
import { FileOutbox } from '../src/adapters/outbox-file.js';
import { SesOutbox } from '../src/adapters/outbox-ses.js';
import { forEachConcurrent } from '../src/core/concurrency.js';
import { deliverIssue, type Issue } from '../src/core/delivery/deliver.js';
import { createMessageFactory } from '../src/core/delivery/message-template.js';
import type { Subscriber } from '../src/core/delivery/subscriber.js';
import { renderCounter } from '../src/core/render/render.js';
import { startServerProcess } from '../tests/helpers/processes.js';
import { timed } from './measure.js';

const IDENTITY = {
  from: 'Metals Weekly <news@metals.example>',
  listId: 'weekly.metals.example',
  newsletterName: 'Metals Weekly',
  unsubscribeUrl: 'https://metals.example/unsubscribe',
  unsubscribeMailto: 'unsubscribe@metals.example',
};
const SECRET = 'bench-secret-of-enough-length';

export async function* recipients(count: number, prefix = 'reader'): AsyncIterable<Subscriber> {
  for (let index = 0; index < count; index++)
    yield { email: `${prefix}${index}@example.org`, status: 'active', createdAt: '', updatedAt: '' };
}

export interface SendFigures {
  ses: {
    messages: number;
    concurrency: number;
    pipelinePerSecond: number;
    bareSdkPerSecond: number;
    ratio: number;
  };
  fileOutbox: {
    messages: number;
    concurrency: number;
    perSecond: number;
    baselinePerSecond: number;
    ratio: number;
  };
  rendersPerIssue: { recipients: number; mjmlRendersDuringSend: number; mjmlRendersForIssue: number };
}

/**
 * Messages per second through the whole send path (ledger, personalisation, MIME, SES client) to
 * aws-ses-v2-local in its own process, against a bare SDK loop sending the same pre-built raw
 * messages at the same concurrency; and into the file outbox, against bare atomic file writes.
 */
export async function benchSend(issue: Issue, work: string, buildRenders: number): Promise<SendFigures> {
  const server = await startServerProcess(
    join(import.meta.dirname, '..', 'tests', 'helpers', 'ses-process.mjs'),
  );
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = () =>
    new SESClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const concurrency = 16;
  const messages = 1200;
  try {
    const makeMessage = await createMessageFactory(issue, { identity: IDENTITY, unsubscribeSecret: SECRET });
    // Warm up both paths (connections, JIT) on other addresses.
    const warmClient = client();
    await forEachConcurrent(recipients(100, 'warm'), concurrency, async (subscriber) => {
      const message = await makeMessage(subscriber.email);
      await warmClient.send(
        new SendRawEmailCommand({
          RawMessage: { Data: message.raw },
          Source: message.from,
          Destinations: [message.to],
        }),
      );
    });

    const prebuilt: { raw: Buffer; to: string; from: string }[] = [];
    for await (const subscriber of recipients(messages, 'bare'))
      prebuilt.push(await makeMessage(subscriber.email));
    const bareClient = client();
    const bare = await timed(() =>
      forEachConcurrent(prebuilt, concurrency, async (message) => {
        await bareClient.send(
          new SendRawEmailCommand({
            RawMessage: { Data: message.raw },
            Source: message.from,
            Destinations: [message.to],
          }),
        );
      }),
    );

    const ledger = await LevelLedger.open(join(work, 'ses-ledger'));
    // The pipeline's outbox is the one `digest send` opens: its own client, whose agents track
    // each request (so only safe retries happen), from the standard credential chain.
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    process.env.AWS_REGION ??= 'us-east-1';
    const outbox = new SesOutbox({ endpoint, maxSockets: concurrency });
    const pipeline = await timed(() =>
      deliverIssue(issue, recipients(messages, 'pipe'), {
        identity: IDENTITY,
        unsubscribeSecret: SECRET,
        ledger,
        outbox,
        rateLimit: async () => {},
        concurrency,
      }),
    );
    await ledger.close();

    // File outbox: 5,000 recipients, and the same number of bare atomic writes as the baseline.
    const fileMessages = 5000;
    const fileConcurrency = 64;
    const fileLedger = await LevelLedger.open(join(work, 'file-ledger'));
    const rendersBefore = renderCounter.mjml;
    const files = await timed(() =>
      deliverIssue(issue, recipients(fileMessages, 'file'), {
        identity: IDENTITY,
        unsubscribeSecret: SECRET,
        ledger: fileLedger,
        outbox: new FileOutbox(join(work, 'outbox')),
        rateLimit: async () => {},
        concurrency: fileConcurrency,
      }),
    );
    const rendersDuringSend = renderCounter.mjml - rendersBefore;
    await fileLedger.close();
    const bareOutbox = new FileOutbox(join(work, 'bare-outbox'));
    const sample = prebuilt[0] as { raw: Buffer; to: string; from: string };
    const bareFiles = await timed(() =>
      forEachConcurrent(recipients(fileMessages, 'barefile'), fileConcurrency, async (subscriber) => {
        await bareOutbox.send({ ...sample, to: subscriber.email, messageId: '' });
      }),
    );

    const pipelinePerSecond = messages / (pipeline.ms / 1000);
    const bareSdkPerSecond = messages / (bare.ms / 1000);
    const perSecond = fileMessages / (files.ms / 1000);
    const baselinePerSecond = fileMessages / (bareFiles.ms / 1000);
    if (pipeline.value.sent !== messages || files.value.sent !== fileMessages)
      throw new Error('the benchmark send did not send every message');
    return {
      ses: {
        messages,
        concurrency,
        pipelinePerSecond,
        bareSdkPerSecond,
        ratio: pipelinePerSecond / bareSdkPerSecond,
      },
      fileOutbox: {
        messages: fileMessages,
        concurrency: fileConcurrency,
        perSecond,
        baselinePerSecond,
        ratio: perSecond / baselinePerSecond,
      },
      rendersPerIssue: {
        recipients: fileMessages,
        mjmlRendersDuringSend: rendersDuringSend,
        mjmlRendersForIssue: buildRenders + rendersDuringSend,
      },
    };
  } finally {
    await server.stop();
  }
}
