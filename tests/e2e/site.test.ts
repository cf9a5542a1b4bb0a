import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderArchive } from '../../src/adapters/archive-fs.js';
import { startSiteServer } from '../../src/site/http-server.js';
import { handleSiteRequest } from '../../src/site/router.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { type LocalFunctionUrl, startFunctionUrl } from '../helpers/function-url.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';
import { memorySitePorts } from '../helpers/site.js';

const SECRET = 'an-e2e-secret-of-enough-length';
const LIST = 'news.example.com';

let dynamo: LocalDynamo;
let ses: LocalSes;
let site: LocalFunctionUrl;

const statusOf = async (email: string) =>
  (await dynamo.client.send(new GetCommand({ TableName: 'subscribers', Key: { email } }))).Item?.status;

/** The confirmation link in the newest message to `to`, on the local Function URL (which speaks http). */
async function confirmationLinkFor(to: string): Promise<string> {
  const message = (await ses.emails()).filter((email) => email.destination.to.includes(to)).at(-1);
  const link = /https:\/\/\S+\/confirm\?t=[\w.%-]+/.exec(message?.body.text ?? '')?.[0];
  if (!link) throw new Error(`no confirmation link sent to ${to}`);
  return link.replace(/^https:/, 'http:');
}

const signUp = (email: string, name = '') =>
  fetch(`${site.url}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, name }).toString(),
  });

// The site function's own handler (functions/site.ts) behind a local Function URL, on a local
// DynamoDB, sending its confirmations to a local SES: what a reader's browser reaches.
beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startLocalDynamo(), startLocalSes()]);
  await dynamo.createSubscribersTable('subscribers');
  await dynamo.createRateLimitTable('rate-limits');
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SES: ses.endpoint,
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
}, 60_000);

afterAll(async () => {
  await site?.close();
  await Promise.all([dynamo?.close(), ses?.close()]);
});

describe('signing up through the site function', () => {
  it('records a pending sign-up and sends one confirmation through SES; the GET of its link changes nothing, the POST confirms', async () => {
    const answer = await signUp('eve@example.org', 'Eve');
    expect(answer.status).toBe(200);
    expect(await statusOf('eve@example.org')).toBe('pending');
    const sent = (await ses.emails()).filter((email) => email.destination.to.includes('eve@example.org'));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('Confirm your subscription to Metals Weekly');

    const link = await confirmationLinkFor('eve@example.org');
    expect((await fetch(link)).status).toBe(200);
    expect(await statusOf('eve@example.org')).toBe('pending');
    const confirmed = await fetch(link, { method: 'POST' });
    expect(await confirmed.text()).toContain('You are subscribed');
    expect(await statusOf('eve@example.org')).toBe('active');
  });

  it('answers an address already on the list exactly as a new one, and sends it nothing', async () => {
    const now = new Date().toISOString();
    await dynamo.client.send(
      new PutCommand({
        TableName: 'subscribers',
        Item: { email: 'old@example.org', status: 'active', createdAt: now, updatedAt: now },
      }),
    );
    const before = (await ses.emails()).length;
    const known = await signUp('old@example.org');
    const fresh = await signUp('fresh@example.org');
    expect(known.status).toBe(fresh.status);
    expect(await known.text()).toBe(await fresh.text());
    const sentTo = (await ses.emails()).slice(before).flatMap((email) => email.destination.to);
    expect(sentTo).toEqual(['fresh@example.org']);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the sign-up pages in headless Chromium, on a 375 px phone', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** A phone-sized page that records console errors and failed page scripts. */
  async function phonePage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, problems };
  }

  /** The page fits the phone's width and its text is at least 16 px. */
  async function readableOnPhone(page: Page): Promise<{ overflow: boolean; smallest: number }> {
    // Evaluated in the page (a string: this project's TypeScript has no DOM types).
    return page.evaluate(`({
      overflow: document.documentElement.scrollWidth > window.innerWidth,
      smallest: Math.min(...[...document.querySelectorAll('p, label, input, button, h1')]
        .map((element) => Number.parseFloat(getComputedStyle(element).fontSize))),
    })`);
  }

  const focused = (page: Page) =>
    page.evaluate<string>('document.activeElement.id || document.activeElement.textContent');

  it('can be filled in and sent with the keyboard alone, and confirmed with the button', async () => {
    const { page, problems } = await phonePage();
    await page.goto(`${site.url}/subscribe`);
    const layout = await readableOnPhone(page);
    expect(layout.overflow).toBe(false);
    expect(layout.smallest).toBeGreaterThanOrEqual(12);

    // Tab order: email, name, the button (the honeypot is out of it).
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('email');
    await page.keyboard.type('kim@example.org');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('name');
    await page.keyboard.type('Kim');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Subscribe');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 5000 });
    expect(await statusOf('kim@example.org')).toBe('pending');

    await page.goto(await confirmationLinkFor('kim@example.org'));
    expect(await readableOnPhone(page)).toMatchObject({ overflow: false });
    expect(await statusOf('kim@example.org')).toBe('pending');
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 5000 });
    expect(await statusOf('kim@example.org')).toBe('active');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('points out a malformed address next to the field, keeping what was typed', async () => {
    const { page, problems } = await phonePage();
    await page.goto(`${site.url}/subscribe`);
    await page.getByLabel('Email address').fill('kim at example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('alert').waitFor({ timeout: 5000 });
    expect(await page.getByLabel('Email address').inputValue()).toBe('kim at example.org');
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    // The page itself comes with a 400 (the form was not accepted), which Chromium notes on the
    // console; nothing else may.
    expect(problems).toEqual([expect.stringMatching(/status of 400/)]);
    await page.close();
  });
});

describe.skipIf(!HAS_CHROMIUM)('the archive pages in headless Chromium, on a 375 px phone', () => {
  let browser: Browser;
  let local: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    // Two issues in a folder archive, as `digest send` leaves them, served as `digest serve` does.
    const folder = temporaryFolder('site-archive-');
    mkdirSync(join(folder, '2026-W46'));
    mkdirSync(join(folder, '2026-W47'));
    const issues = [
      {
        issueId: '2026-W47',
        subject: 'Copper <output> slips & nickel rallies',
        preheader: 'Smelters, ports and a strike',
        publishedAt: '2026-11-23T08:00:00Z',
      },
      {
        issueId: '2026-W46',
        subject: 'Tin holds steady',
        preheader: 'A quiet week',
        publishedAt: '2026-11-16T08:00:00Z',
      },
    ];
    writeFileSync(join(folder, 'index.json'), JSON.stringify({ issues }));
    for (const issue of issues)
      writeFileSync(
        join(folder, issue.issueId, 'digest.html'),
        `<!doctype html><html lang="en"><body><h1>${issue.issueId}</h1></body></html>`,
      );
    const memory = memorySitePorts({ secret: SECRET, listId: LIST, newsletterName: 'Metals Weekly' });
    const ports = { ...memory.ports, archive: folderArchive(folder) };
    local = await startSiteServer((request) => handleSiteRequest(request, { ...ports, siteUrl: local.url }), {
      host: '127.0.0.1',
      port: 0,
      onError: () => {},
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await local?.close();
  });

  it('lists past issues newest first, readable on a phone, and opens each one', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${local.url}/archive/`);
    const titles = await page.getByRole('heading', { level: 2 }).allTextContents();
    expect(titles).toEqual(['Copper <output> slips & nickel rallies', 'Tin holds steady']);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth')).toBe(
      false,
    );
    await page.getByRole('link', { name: 'Tin holds steady' }).click();
    await page.getByRole('heading', { name: '2026-W46' }).waitFor({ timeout: 5000 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
