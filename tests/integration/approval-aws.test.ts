import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ledgerKeyOf } from '../../src/core/delivery/deliver.js';
import { ROOT } from '../helpers/cli.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';
import { type LocalSes, type StoredEmail, startLocalSes } from '../helpers/ses.js';

/**
 * Approval on the AWS path: the functions (from source) against dynalite, s3rver and the local
 * SES, with the two calls that have no local server captured: SQS (the queue, whose batches are
 * handed to the send function as the event source mapping would) and Lambda (the site's
 * asynchronous invoke of the build function, handed to it as Lambda would).
 */
const BUCKET = 'approval-content';
const SUBSCRIBERS = ['ana@example.org', 'ben@example.com', 'chen@example.net'];
const EDITORS = ['editor@news.example.com', 'desk@news.example.com'];
const BUILD_FUNCTION = 'WeeklyDigest-build-digest';

type Batch = { Id: string; MessageBody: string };
let s3: LocalS3;
let ses: LocalSes;
let dynamo: LocalDynamo;
const queued: Batch[] = [];
const invoked: { FunctionName?: string; InvocationType?: string; payload: unknown }[] = [];
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  [s3, ses, dynamo] = await Promise.all([startLocalS3([BUCKET]), startLocalSes(), startLocalDynamo()]);
  await dynamo.createSubscribersTable('subscribers');
  for (const name of readdirSync(join(ROOT, 'examples', 'briefings')).filter((file) => file.includes('.')))
    await s3.put(BUCKET, `briefings/${name}`, readFileSync(join(ROOT, 'examples', 'briefings', name)));
  const now = new Date().toISOString();
  for (const email of SUBSCRIBERS)
    await dynamo.client.send(
      new PutCommand({
        TableName: 'subscribers',
        Item: { email, status: 'active', createdAt: now, updatedAt: now },
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
    SUBSCRIBERS_TABLE: 'subscribers',
    RATE_LIMIT_TABLE: 'rate-limits',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/send-queue',
    TIME_ZONE: 'UTC',
    POSTAL_ADDRESS: '1 Quay Street, Harbour Town',
    NEWSLETTER_NAME: 'Metals Weekly',
    SENDER: 'Metals Weekly <digest@news.example.com>',
    LIST_ID: 'news.example.com',
    UNSUBSCRIBE_URL: 'https://site.example.com/',
    UNSUBSCRIBE_MAILTO: 'digest@news.example.com',
    ARCHIVE_URL: 'https://site.example.com/view/{issueId}',
    UNSUBSCRIBE_SECRET: 'an-integration-secret-of-enough-length',
    SITE_URL: 'https://site.example.com/',
    EDITOR_EMAILS: EDITORS.join(','),
    BUILD_FUNCTION_NAME: BUILD_FUNCTION,
    SEND_RATE: '50',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  vi.spyOn(SQSClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof SendMessageBatchCommand)) throw new Error('unexpected SQS call');
    queued.push(...(command.input.Entries as Batch[]));
    return { Successful: command.input.Entries?.map((entry) => ({ Id: entry.Id })), Failed: [] } as never;
  });
  vi.spyOn(LambdaClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof InvokeCommand)) throw new Error('unexpected Lambda call');
    const { FunctionName, InvocationType, Payload } = command.input;
    invoked.push({
      FunctionName,
      InvocationType,
      payload: JSON.parse(Buffer.from(Payload as Uint8Array).toString()),
    });
    return { StatusCode: 202 } as never;
  });
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  process.env = savedEnvironment;
  await Promise.all([s3?.close(), ses?.close(), dynamo?.close()]);
});

beforeEach(async () => {
  queued.length = 0;
  invoked.length = 0;
  await ses.clear();
});

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * The three functions as one deployment with these settings would run them: each deployment has
 * its own tables and archive prefix here, and its own module instances (the functions read their
 * environment once, at cold start).
 */
async function deploy(name: string, settings: Record<string, string>) {
  await Promise.all([dynamo.createIssuesTable(`${name}-issues`), dynamo.createLedgerTable(`${name}-ledger`)]);
  Object.assign(process.env, {
    ISSUES_TABLE: `${name}-issues`,
    LEDGER_TABLE: `${name}-ledger`,
    ARCHIVE_PREFIX: `${name}-archive/`,
    APPROVAL_WINDOW_HOURS: '0',
    ...settings,
  });
  vi.resetModules();
  const [build, send, site, { clock }] = await Promise.all([
    import('../../functions/build-digest.js'),
    import('../../functions/send-batch.js'),
    import('../../functions/site.js'),
    import('../../functions/commons/clock.js'),
  ]);
  const context = { getRemainingTimeInMillis: () => 300_000, functionName: 'test', awsRequestId: 'r' };
  const issue = async (issueId = '2026-W47') =>
    (await dynamo.client.send(new GetCommand({ TableName: `${name}-issues`, Key: { issueId } }))).Item;
  const archiveIndex = async () => {
    try {
      const object = await s3.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `${name}-archive/index.json` }),
      );
      return JSON.parse((await object.Body?.transformToString()) ?? '') as { issues: { issueId: string }[] };
    } catch {
      return undefined;
    }
  };
  return {
    build: (event: unknown) => (build.handler as Handler)(event, context),
    send: (batches: Batch[]) => (send.handler as Handler)(sqsEvent(batches), context),
    site: (method: string, path: string, t: string) =>
      (site.handler as Handler)(urlEvent(method, path, t)) as Promise<{ statusCode: number; body: string }>,
    clock,
    issue,
    archiveIndex,
    ledger: async (key: string, recipient: string) =>
      (
        await dynamo.client.send(
          new GetCommand({ TableName: `${name}-ledger`, Key: { issueId: key, recipient } }),
        )
      ).Item,
  };
}

const sqsEvent = (entries: Batch[]): SQSEvent => ({
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

const urlEvent = (method: string, path: string, t: string) =>
  ({
    version: '2.0',
    rawPath: path,
    rawQueryString: `t=${encodeURIComponent(t)}`,
    queryStringParameters: { t },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: {
      domainName: 'site.example.com',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
    },
    body: method === 'POST' ? '' : undefined,
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;

const bodies = (batches: Batch[]) =>
  batches.map(
    (batch) => JSON.parse(batch.MessageBody) as { issueId: string; recipients: string[]; copy?: string },
  );
const subscriberBatches = () => queued.filter((batch) => !JSON.parse(batch.MessageBody).copy);
const recipientsOf = (emails: StoredEmail[]) => emails.map((email) => email.destination.to[0]).sort();
/** The approve link in a draft copy's plain-text part. */
const approveToken = (email: StoredEmail | undefined) =>
  /Review and approve: https:\/\/site\.example\.com\/approve\?t=([\w.-]+)/.exec(
    email?.body.text ?? '',
  )?.[1] ?? '';

describe('approval required, on the AWS path', () => {
  it('drafts, sends [Draft] copies to the editors only, and sends the issue once it is approved', async () => {
    const aws = await deploy('required', { APPROVAL: 'required' });

    // The weekly run: a draft, archived, not queued, not in the archive's index.
    expect(await aws.build({ week: '2026-W47' })).toMatchObject({
      status: 'draft',
      issueId: '2026-W47',
      editors: 2,
    });
    expect(bodies(queued)).toEqual([
      expect.objectContaining({ issueId: '2026-W47', copy: 'draft', recipients: EDITORS }),
    ]);
    expect(await aws.issue()).toMatchObject({
      status: 'draft',
      approval: 'required',
      editorsNotifiedAt: expect.any(String),
    });
    expect(await aws.archiveIndex()).toBeUndefined();

    // The send function sends the copies: to the editors, as [Draft], outside the issue's ledger.
    expect(await aws.send(queued)).toEqual({ batchItemFailures: [] });
    const copies = await ses.emails();
    expect(recipientsOf(copies)).toEqual([...EDITORS].sort());
    for (const copy of copies) {
      expect(copy.subject).toMatch(/^\[Draft\] Week 47: /);
      expect(copy.body.text).toContain('DRAFT FOR APPROVAL. Subscribers have not received this issue.');
      expect(copy.body.html).toContain('https://site.example.com/approve/draft?t=p1.');
    }
    expect(await aws.ledger(ledgerKeyOf('2026-W47', 'ses'), EDITORS[0] ?? '')).toBeUndefined();
    expect(await aws.ledger(ledgerKeyOf('2026-W47.draft', 'ses'), EDITORS[0] ?? '')).toMatchObject({
      status: 'sent',
    });
    // A redelivered batch of copies sends nothing again.
    await aws.send(queued);
    expect(await ses.emails()).toHaveLength(2);

    // Opening the approve link changes nothing.
    const token = approveToken(copies[0]);
    expect(token).toMatch(/^p1\./);
    const before = await aws.issue();
    const shown = await aws.site('GET', '/approve', token);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Approve this issue?');
    expect(shown.body).toContain('<button type="submit">Approve and send</button>');
    expect((await aws.site('GET', '/approve/draft', token)).body).toContain('Nevada lithium refinery');
    expect(await aws.issue()).toEqual(before);
    expect(invoked).toEqual([]);
    // Nor is the draft in the public archive before it is sent.
    expect((await aws.site('GET', '/archive/2026-W47', '')).statusCode).toBe(404);

    // Approving records it and starts the send: the build function, invoked asynchronously.
    const approved = await aws.site('POST', '/approve', token);
    expect(approved.body).toContain('Approved: the send has started');
    expect(await aws.issue()).toMatchObject({ status: 'approved', approvedBy: 'approve link' });
    expect(invoked).toEqual([
      { FunctionName: BUILD_FUNCTION, InvocationType: 'Event', payload: { approve: '2026-W47' } },
    ]);

    queued.length = 0;
    expect(await aws.build(invoked[0]?.payload)).toEqual({
      status: 'enqueued',
      issueId: '2026-W47',
      recipients: 3,
      batches: 1,
    });
    expect(
      bodies(queued)
        .flatMap((batch) => batch.recipients)
        .sort(),
    ).toEqual([...SUBSCRIBERS].sort());
    expect((await aws.archiveIndex())?.issues.map((issue) => issue.issueId)).toEqual(['2026-W47']);
    await ses.clear();
    await aws.send(queued);
    const sent = await ses.emails();
    expect(recipientsOf(sent)).toEqual([...SUBSCRIBERS].sort());
    expect(sent[0]?.subject).toMatch(/^Week 47: /);
    expect(await aws.issue()).toMatchObject({ status: 'enqueued', recipients: 3 });

    // A second approval, a second start, the weekly run again: nothing new is queued.
    const before2 = queued.length;
    expect((await aws.site('POST', '/approve', token)).body).toContain('Already sent');
    expect(invoked).toHaveLength(1);
    expect(await aws.build({ approve: '2026-W47' })).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
    expect(await aws.build({ week: '2026-W47' })).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
    expect(queued).toHaveLength(before2);
  });

  it('refuses an event that asks for two things at once, or an issue id that is not one', async () => {
    const aws = await deploy('events', { APPROVAL: 'required' });
    await expect(aws.build({ week: '2026-W47', approve: '2026-W47' })).rejects.toThrow('not several at once');
    await expect(aws.build({ approve: '../x' })).rejects.toThrow('an issue id such as 2026-W47');
    expect(await aws.build({ approve: '2026-W47' })).toEqual({ status: 'unknown', issueId: '2026-W47' });
  });
});

describe('an approval window, on the AWS path', () => {
  const built = new Date();
  const later = (hours: number) => new Date(built.getTime() + hours * 3_600_000);

  it('sends the draft when the window ends, and only once', async () => {
    const aws = await deploy('window', { APPROVAL: 'auto', APPROVAL_WINDOW_HOURS: '4' });
    const now = vi.spyOn(aws.clock, 'now').mockReturnValue(built);
    expect(await aws.build({ week: '2026-W47' })).toMatchObject({
      status: 'draft',
      releaseAt: later(4).toISOString(),
    });
    await aws.send(queued);
    expect((await ses.emails())[0]?.body.text).toContain(
      `It goes out to every subscriber at ${later(4).toISOString().slice(0, 10)}`,
    );
    queued.length = 0;

    now.mockReturnValue(later(3.9));
    expect(await aws.build({ release: true })).toEqual({ status: 'released', released: [], resumed: [] });
    expect(queued).toEqual([]);

    now.mockReturnValue(later(4.25));
    expect(await aws.build({ release: true })).toEqual({
      status: 'released',
      released: [{ status: 'enqueued', issueId: '2026-W47', recipients: 3, batches: 1 }],
      resumed: [],
    });
    expect(await aws.issue()).toMatchObject({ status: 'enqueued', approvedBy: 'window' });
    expect((await aws.archiveIndex())?.issues.map((issue) => issue.issueId)).toEqual(['2026-W47']);
    await ses.clear();
    await aws.send(queued);
    expect(recipientsOf(await ses.emails())).toEqual([...SUBSCRIBERS].sort());

    for (const hours of [4.5, 100]) {
      now.mockReturnValue(later(hours));
      expect(await aws.build({ release: true })).toEqual({ status: 'released', released: [], resumed: [] });
    }
    expect(bodies(subscriberBatches()).map((batch) => batch.issueId)).toEqual(['2026-W47']);
  });

  it('never sends a held draft by its window; approving it later sends it, and says it was held', async () => {
    const aws = await deploy('held', { APPROVAL: 'auto', APPROVAL_WINDOW_HOURS: '4' });
    const now = vi.spyOn(aws.clock, 'now').mockReturnValue(built);
    await aws.build({ week: '2026-W47' });
    await aws.send(queued);
    const token = approveToken((await ses.emails())[0]);
    queued.length = 0;

    // `digest hold` does this through the same store.
    const { DynamoIssueStore } = await import('../../src/adapters/issues-dynamodb.js');
    const { holdIssue } = await import('../../src/workflows/approval.js');
    const issues = new DynamoIssueStore(dynamo.client, 'held-issues');
    expect((await holdIssue('2026-W47', 'command line', { issues, now: () => later(1) })).outcome).toBe(
      'held',
    );

    for (const hours of [4.25, 24, 24 * 6]) {
      now.mockReturnValue(later(hours));
      expect(await aws.build({ release: true })).toEqual({ status: 'released', released: [], resumed: [] });
    }
    expect(queued).toEqual([]);
    expect(await aws.issue()).toMatchObject({ status: 'held' });
    expect(await aws.archiveIndex()).toBeUndefined();

    now.mockReturnValue(later(30));
    expect((await aws.site('GET', '/approve', token)).body).toContain('This issue is on hold');
    expect((await aws.site('POST', '/approve', token)).body).toContain(
      'It was on hold; your approval releases it.',
    );
    expect(await aws.build(invoked[0]?.payload)).toMatchObject({ status: 'enqueued', recipients: 3 });
    expect(await aws.issue()).toMatchObject({ status: 'enqueued', approvedBy: 'approve link' });
  });
});
