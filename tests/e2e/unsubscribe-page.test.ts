import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { type LocalFunctionUrl, rawRequest, startFunctionUrl } from '../helpers/function-url.js';

const SECRET = 'an-e2e-secret-of-enough-length';
const LIST = 'news.example.com';
const READERS = ['ana@example.org', 'ben@example.com', 'chen@example.net', 'dara@example.ie'];

let dynamo: LocalDynamo;
let site: LocalFunctionUrl;
const link = (address: string) =>
  `${site.url}/?t=${encodeURIComponent(signUnsubscribeToken({ list: LIST, address }, SECRET))}`;
const statusOf = async (email: string) =>
  (await dynamo.client.send(new GetCommand({ TableName: 'subscribers', Key: { email } }))).Item?.status;

// The unsubscribe function's own handler (functions/unsubscribe.ts), behind a local Function URL,
// on a local DynamoDB: what a reader's browser and a mail provider's one-click POST reach.
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createSubscribersTable('subscribers');
  const now = new Date().toISOString();
  for (const email of READERS)
    await dynamo.client.send(
      new PutCommand({
        TableName: 'subscribers',
        Item: { email, status: 'active', createdAt: now, updatedAt: now },
      }),
    );
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    BUCKET: 'not-used-here',
    ARCHIVE_PREFIX: 'archive/',
    SUBSCRIBERS_TABLE: 'subscribers',
    RATE_LIMIT_TABLE: 'rate-limits',
    SENDER: 'Metals Weekly <digest@news.example.com>',
    LIST_ID: LIST,
    NEWSLETTER_NAME: 'Metals Weekly',
    UNSUBSCRIBE_SECRET: SECRET,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const { handler } = (await import('../../functions/site.js')) as {
    handler: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
  };
  site = await startFunctionUrl(handler);
});

afterAll(async () => {
  await site?.close();
  await dynamo?.close();
});

describe('the unsubscribe function behind its Function URL', () => {
  it('unsubscribes on the RFC 8058 one-click POST a mail provider sends', async () => {
    const response = await fetch(link('ben@example.com'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect(await statusOf('ben@example.com')).toBe('unsubscribed');
  });

  it('unsubscribes on a multipart/form-data one-click POST', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const response = await fetch(link('dara@example.ie'), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await statusOf('dara@example.ie')).toBe('unsubscribed');
  });

  it('refuses a POST without the one-click body and a GET, and changes nothing', async () => {
    const posted = await fetch(link('chen@example.net'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'unsubscribe=yes',
    });
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain('Nothing was changed');
    expect((await fetch(`${link('chen@example.net')}&List-Unsubscribe=One-Click`)).status).toBe(200);
    expect(await statusOf('chen@example.net')).toBe('active');
  });

  it.each([
    ['/view/%', '/view/%'],
    ['/view/%E0%A4%A', '/view/%E0%A4%A'],
    ['a 4,000-character path', `/view/${'x'.repeat(4000)}`],
    ['/..', '/..'],
    ['/view/../../etc/passwd', '/view/../../etc/passwd'],
  ])('answers %s with a 404 page, never an error', async (_case, path) => {
    const response = await rawRequest(site.url, { path });
    expect(response.status).toBe(404);
    expect(response.body).toContain('<!doctype html>');
    expect(site.failures).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the unsubscribe page in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows one button and never the address, changes nothing on opening, and unsubscribes on the click', async () => {
    const page = await browser.newPage();
    await page.goto(link('ana@example.org'));
    expect(await page.content()).not.toContain('ana@example.org');
    expect(await statusOf('ana@example.org')).toBe('active');

    await page.getByRole('button', { name: 'Unsubscribe' }).click();

    await page.getByText('You are unsubscribed').waitFor({ timeout: 5000 });
    expect(await statusOf('ana@example.org')).toBe('unsubscribed');
    await page.close();
  });
});
