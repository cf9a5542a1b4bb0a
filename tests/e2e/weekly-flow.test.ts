import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ledgerKeyOf } from '../../src/core/delivery/deliver.js';
import { ROOT } from '../helpers/cli.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

const run = promisify(execFile);
const BUCKET = 'digest-content';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/send-queue';
const SUBSCRIBERS = ['ana@example.org', 'ben@example.com', 'chen@example.net', 'dara@example.ie'];

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
let s3: LocalS3;
let ses: LocalSes;
let dynamo: LocalDynamo;
let synthOutput = '';
const handlers: Record<string, Handler> = {};
const queued: { Id: string; MessageBody: string }[] = [];

/** Invokes a bundled function by its logical name, as Lambda would. */
function invoke(name: string, event: unknown): Promise<unknown> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no bundle for ${name}: did cdk synth run?`);
  return handler(event, lambdaContext);
}

/** What the Lambda runtime passes: enough for the handlers' time budget and logs. */
const lambdaContext = {
  getRemainingTimeInMillis: () => 300_000,
  functionName: 'test',
  awsRequestId: 'req-1',
};

beforeAll(async () => {
  // `cdk synth` exactly as an operator runs it: offline, no credentials, no Docker.
  const synth = await run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: '1',
    },
    maxBuffer: 32 * 1024 * 1024,
  });
  synthOutput = synth.stdout + synth.stderr;

  [s3, ses, dynamo] = await Promise.all([startLocalS3([BUCKET]), startLocalSes(), startLocalDynamo()]);
  await Promise.all([
    dynamo.createSubscribersTable('subscribers'),
    dynamo.createLedgerTable('ledger'),
    dynamo.createIssuesTable('issues'),
    dynamo.createRateLimitTable('rate-limits'),
  ]);
  for (const name of readdirSync(join(ROOT, 'examples', 'briefings'), {
    recursive: true,
    encoding: 'utf8',
  })) {
    if (name.includes('.'))
      await s3.put(BUCKET, `briefings/${name}`, readFileSync(join(ROOT, 'examples', 'briefings', name)));
  }
  const now = new Date().toISOString();
  for (const email of SUBSCRIBERS) {
    await dynamo.client.send(
      new PutCommand({
        TableName: 'subscribers',
        Item: { email, status: 'active', createdAt: now, updatedAt: now },
      }),
    );
  }
  await dynamo.client.send(
    new PutCommand({
      TableName: 'subscribers',
      Item: { email: 'gone@example.org', status: 'unsubscribed', createdAt: now, updatedAt: now },
    }),
  );

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_SES: ses.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    BUCKET,
    BRIEFINGS_PREFIX: 'briefings/',
    ARCHIVE_PREFIX: 'archive/',
    SUBSCRIBERS_TABLE: 'subscribers',
    LEDGER_TABLE: 'ledger',
    ISSUES_TABLE: 'issues',
    RATE_LIMIT_TABLE: 'rate-limits',
    QUEUE_URL,
    TIME_ZONE: 'UTC',
    POSTAL_ADDRESS: '1 Quay Street, Harbour Town',
    NEWSLETTER_NAME: 'Metals Weekly',
    SENDER: 'Metals Weekly <digest@news.example.com>',
    LIST_ID: 'news.example.com',
    UNSUBSCRIBE_URL: 'https://unsubscribe.example.com/',
    UNSUBSCRIBE_MAILTO: 'digest@news.example.com',
    ARCHIVE_URL: 'https://unsubscribe.example.com/view/{issueId}',
    UNSUBSCRIBE_SECRET: 'an-e2e-secret-of-enough-length',
    SEND_RATE: '50',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // There is no local SQS server in this project's stack: the queue is the one part stood in for.
  // Batches the build function sends are captured here and handed to the send function as an
  // SQS event, which is exactly what the event source mapping does.
  vi.spyOn(SQSClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof SendMessageBatchCommand)) throw new Error('unexpected SQS call');
    queued.push(...(command.input.Entries as { Id: string; MessageBody: string }[]));
    return { Successful: command.input.Entries?.map((entry) => ({ Id: entry.Id })), Failed: [] } as never;
  });

  // The bundles `cdk synth` built, loaded as Lambda would load them.
  Object.assign(handlers, await loadBundles());
}, 180_000);

/**
 * The bundled functions, as fresh instances (each reads its environment once, when loaded:
 * another `instance` is another deployment).
 */
async function loadBundles(instance = ''): Promise<Record<string, Handler>> {
  const template = JSON.parse(readFileSync(join(ROOT, 'cdk.out', 'WeeklyDigest.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const loaded: Record<string, Handler> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !asset) continue;
    const url = `${pathToFileURL(join(ROOT, 'cdk.out', asset, 'index.mjs')).href}${instance ? `?${instance}` : ''}`;
    loaded[logicalId.replace(/[0-9A-F]{8}$/, '')] = ((await import(url)) as { handler: Handler }).handler;
  }
  return loaded;
}

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([s3?.close(), ses?.close(), dynamo?.close()]);
});

/** The archive's index as the build function left it in the bucket. */
const archiveIndex = async () =>
  (await (
    await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'archive/index.json' }))
  ).Body?.transformToString()) ?? '';

const sqsEvent = (entries: { Id: string; MessageBody: string }[]): SQSEvent => ({
  Records: entries.map((entry, index) => ({
    messageId: `message-${index}-${entry.Id}`,
    receiptHandle: 'handle',
    body: entry.MessageBody,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:send-queue',
    awsRegion: 'us-east-1',
  })),
});

const urlEvent = (method: string, path: string, query: Record<string, string>, body?: string) => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: new URLSearchParams(query).toString(),
  queryStringParameters: query,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  requestContext: {
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
  },
  body: body === undefined ? undefined : Buffer.from(body).toString('base64'),
  isBase64Encoded: body !== undefined,
});

describe('cdk synth', () => {
  it('works offline with no credentials, reports no cdk-nag errors and prints each bundle under 1 MB', () => {
    expect(synthOutput).not.toMatch(/ERROR|AwsSolutions-/);
    // The shipped cdk.json still has the placeholder sender: every synth says so.
    expect(synthOutput).toContain('warning: senderDomain news.example.com is a placeholder');
    const bundles = [...synthOutput.matchAll(/^bundle (\w+)\s+(\d+) KB/gm)].map(([, name, size]) => ({
      name,
      size: Number(size),
    }));
    expect(bundles.map((bundle) => bundle.name).sort()).toEqual([
      'BuildDigest',
      'Feedback',
      'SendBatch',
      'Unsubscribe',
    ]);
    for (const bundle of bundles) expect(bundle.size).toBeLessThan(1024);
  });
});

describe('the weekly flow, end to end on local servers, with the bundled functions', () => {
  let unsubscribeToken = '';

  it('builds the week from S3, archives it, and queues every active subscriber', async () => {
    const result = await invoke('BuildDigest', { week: '2026-W47' });
    expect(result).toMatchObject({
      status: 'enqueued',
      issueId: '2026-W47',
      items: 6,
      recipients: 4,
      batches: 1,
    });
    expect(queued.flatMap((entry) => JSON.parse(entry.MessageBody).recipients).sort()).toEqual(
      [...SUBSCRIBERS].sort(),
    );
    const archived = await s3.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'archive/2026-W47/digest.html' }),
    );
    expect(archived.ContentType).toBe('text/html; charset=utf-8');
    expect(await archived.Body?.transformToString()).toContain('Nevada lithium refinery');
    // The site's listing and feed read the index: the issue is in it, as the build published it.
    expect(JSON.parse(await archiveIndex())).toEqual({
      issues: [
        {
          issueId: '2026-W47',
          subject: expect.stringMatching(/^Week 47: /),
          preheader: expect.stringMatching(/^Also: /),
          publishedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
      ],
    });
  });

  it('sends the queued batches through SES exactly once and completes the ledger', async () => {
    const response = await invoke('SendBatch', sqsEvent(queued));
    expect(response).toEqual({ batchItemFailures: [] });
    const emails = await ses.emails();
    expect(emails.map((email) => email.destination.to[0]).sort()).toEqual([...SUBSCRIBERS].sort());
    expect(emails[0]?.subject).toMatch(/^Week 47: /);
    for (const email of SUBSCRIBERS) {
      const { Item } = await dynamo.client.send(
        // The send function's destination: SES, with no configuration set in this environment.
        new GetCommand({
          TableName: 'ledger',
          Key: { issueId: ledgerKeyOf('2026-W47', 'ses'), recipient: email },
        }),
      );
      expect(Item).toMatchObject({ status: 'sent', messageId: expect.any(String) });
    }
    unsubscribeToken =
      /unsubscribe\.example\.com\/\?t=([\w.-]+)/.exec(
        emails.find((email) => email.destination.to[0] === 'ben@example.com')?.body.html ?? '',
      )?.[1] ?? '';
    expect(unsubscribeToken).not.toBe('');
  });

  it('queues nothing new on a second invocation, and a redelivered batch sends nothing again', async () => {
    const before = queued.length;
    const index = await archiveIndex();
    expect(await invoke('BuildDigest', { week: '2026-W47' })).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
    expect(queued).toHaveLength(before);
    expect(await archiveIndex()).toBe(index);
    expect(await invoke('SendBatch', sqsEvent(queued))).toEqual({ batchItemFailures: [] });
    expect(await ses.emails()).toHaveLength(SUBSCRIBERS.length);
  });

  it('sends nothing for a week without briefings', async () => {
    const before = queued.length;
    const index = await archiveIndex();
    expect(await invoke('BuildDigest', { week: '2026-W30' })).toMatchObject({
      status: 'no-briefings',
      issueId: '2026-W30',
    });
    expect(queued).toHaveLength(before);
    expect(await archiveIndex()).toBe(index);
  });

  it('rejects a malformed manual event with a clear message', async () => {
    await expect(invoke('BuildDigest', { week: 'last week' })).rejects.toThrow(
      'the event must look like { "week": "2026-W47" }',
    );
  });

  it('shows a one-button unsubscribe page, then unsubscribes with an RFC 8058 one-click POST', async () => {
    const page = (await invoke('Unsubscribe', urlEvent('GET', '/', { t: unsubscribeToken }))) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(page.body).not.toContain('ben@example.com');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");

    const done = (await invoke(
      'Unsubscribe',
      urlEvent('POST', '/', { t: unsubscribeToken }, 'List-Unsubscribe=One-Click'),
    )) as { statusCode: number };
    expect(done.statusCode).toBe(200);
    const { Item } = await dynamo.client.send(
      new GetCommand({ TableName: 'subscribers', Key: { email: 'ben@example.com' } }),
    );
    expect(Item?.status).toBe('unsubscribed');
  });

  it('answers a tampered link with a friendly page and changes nothing', async () => {
    const page = (await invoke(
      'Unsubscribe',
      urlEvent('POST', '/', { t: `${unsubscribeToken.slice(0, -3)}abc` }, 'List-Unsubscribe=One-Click'),
    )) as { statusCode: number; body: string };
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('This link does not work');
    expect(page.body).not.toMatch(/Error|at \w+ \(/);
  });

  it('serves the archived issue for the view-in-browser link', async () => {
    const page = (await invoke('Unsubscribe', urlEvent('GET', '/view/2026-W47', {}))) as {
      statusCode: number;
      body: string;
    };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Magnet recycler opens pilot line in Rotterdam');
    expect(
      (
        (await invoke('Unsubscribe', urlEvent('GET', '/view/..%2F..%2Fbriefings', {}))) as {
          statusCode: number;
        }
      ).statusCode,
    ).toBe(404);
    for (const malformed of ['/view/%', '/view/%E0%A4%A'])
      expect(
        ((await invoke('Unsubscribe', urlEvent('GET', malformed, {}))) as { statusCode: number }).statusCode,
      ).toBe(404);
  });

  it('suppresses permanent bounces and complaints from SES events, and only counts transient bounces', async () => {
    const sns = (messages: object[]): SNSEvent => ({
      Records: messages.map((message) => ({
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn',
        Sns: {
          Message: JSON.stringify(message),
          MessageId: 'm',
          Type: 'Notification',
          TopicArn: 'arn',
          Timestamp: '',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
          Subject: '',
        },
      })),
    });
    const suppressed = await invoke(
      'Feedback',
      sns([
        {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: 'Chen <CHEN@example.net>' }],
          },
        },
        {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: 'dara@example.ie' }],
            complaintFeedbackType: 'abuse',
          },
        },
        {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Transient',
            bounceSubType: 'MailboxFull',
            bouncedRecipients: [{ emailAddress: 'ana@example.org' }],
          },
        },
      ]),
    );
    expect(suppressed).toBe(2);
    const status = async (email: string) =>
      (await dynamo.client.send(new GetCommand({ TableName: 'subscribers', Key: { email } }))).Item?.status;
    expect(await status('chen@example.net')).toBe('bounced');
    expect(await status('dara@example.ie')).toBe('complained');
    expect(await status('ana@example.org')).toBe('active');
  });
});

describe('approval, end to end with the bundled functions', () => {
  const EDITORS = ['editor@news.example.com'];
  const invoked: unknown[] = [];
  let approval: Record<string, Handler> = {};
  const call = (name: string, event: unknown) => {
    const handler = approval[name];
    if (!handler) throw new Error(`no bundle for ${name}`);
    return handler(event, lambdaContext);
  };

  beforeAll(async () => {
    // Another deployment of the same bundles, with approval required and its own tables.
    await Promise.all([
      dynamo.createIssuesTable('issues-approval'),
      dynamo.createLedgerTable('ledger-approval'),
    ]);
    Object.assign(process.env, {
      APPROVAL: 'required',
      EDITOR_EMAILS: EDITORS.join(','),
      ISSUES_TABLE: 'issues-approval',
      LEDGER_TABLE: 'ledger-approval',
      ARCHIVE_PREFIX: 'archive-approval/',
      BUILD_FUNCTION_NAME: 'WeeklyDigest-build-digest',
      SITE_URL: 'https://unsubscribe.example.com/',
    });
    approval = await loadBundles('approval');
    // The site starts an approved send through the runtime's Lambda client (left out of its bundle).
    vi.spyOn(LambdaClient.prototype, 'send').mockImplementation(async (command: unknown) => {
      if (!(command instanceof InvokeCommand)) throw new Error('unexpected Lambda call');
      invoked.push(JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString()));
      return { StatusCode: 202 } as never;
    });
  });

  it('drafts, mails the editors a [Draft] copy, and sends once the link approves it', async () => {
    const start = queued.length;
    expect(await call('BuildDigest', { week: '2026-W47' })).toMatchObject({ status: 'draft', editors: 1 });
    const drafts = queued.slice(start);
    expect(drafts.map((entry) => JSON.parse(entry.MessageBody))).toEqual([
      expect.objectContaining({ copy: 'draft', recipients: EDITORS }),
    ]);
    expect(await call('SendBatch', sqsEvent(drafts))).toEqual({ batchItemFailures: [] });
    const copy = (await ses.emails()).find((email) => email.subject.startsWith('[Draft] '));
    expect(copy?.destination.to).toEqual(EDITORS);
    const token = /approve\?t=([\w.-]+)/.exec(copy?.body.text ?? '')?.[1] ?? '';

    const page = (await call('Unsubscribe', urlEvent('GET', '/approve', { t: token }))) as { body: string };
    expect(page.body).toContain('Approve this issue?');
    expect(invoked).toEqual([]);
    const done = (await call('Unsubscribe', urlEvent('POST', '/approve', { t: token }, ''))) as {
      body: string;
    };
    expect(done.body).toContain('Approved: the send has started');
    expect(invoked).toEqual([{ approve: '2026-W47' }]);

    const before = queued.length;
    expect(await call('BuildDigest', invoked[0])).toMatchObject({ status: 'enqueued', issueId: '2026-W47' });
    expect(queued.length).toBeGreaterThan(before);
    expect(await call('BuildDigest', invoked[0])).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
  });
});
