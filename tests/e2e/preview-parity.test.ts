import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview } from '../../src/cli/preview-command.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

const SCREENSHOTS = join(ROOT, 'test-results');
const HAS_SPAMASSASSIN = existsSync('/usr/bin/spamassassin');
const VIEWS = ['desktop', 'mobile', 'dark', 'text', 'source', 'manifest'];

describe.skipIf(!HAS_CHROMIUM)('digest preview at React Email parity, in headless Chromium', () => {
  const source = temporaryFolder('preview-parity-source-');
  let browser: Browser;
  let context: BrowserContext;
  let preview: Awaited<ReturnType<typeof runPreview>>;
  const consoleErrors: string[] = [];

  /** A page of the preview at `path` (`?week=…`, `?width=…`), watched for console errors. */
  async function open(path = '', viewport = { width: 1400, height: 1000 }): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(new URL(path, preview.url).href);
    await page.locator('#items li').first().waitFor();
    return page;
  }
  const frameWidth = async (page: Page) =>
    Math.round((await page.locator('#digest').boundingBox())?.width ?? 0);
  const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
    // A second week to pick: one briefing in 2026-W46.
    writeFileSync(
      join(source, '2026-11-10-cobalt-tender.md'),
      '---\ntitle: Cobalt tender draws four bidders\ndate: 2026-11-10\nsource: Metals Desk\n---\n\n## Highlights\n\n- Four groups bid for the state cobalt stockpile.\n',
    );
    const settings = resolveSettings(
      { source, digest: temporaryFolder('preview-parity-out-'), port: 0, week: 'latest' },
      {},
    );
    preview = await runPreview(
      settings,
      () => {},
      () => {},
      { reportDelayMs: 0 },
    );
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(preview.url).origin,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  it('shows which email clients lack which features, with fallbacks, and the spam score', async () => {
    const page = await open();
    await page.locator('#compatibility details.feature').first().waitFor({ timeout: 10_000 });
    const radius = page.locator('#compatibility details.feature', { hasText: 'border-radius' });
    await radius.locator('summary').click();
    expect(await radius.textContent()).toMatch(/Not supported in Outlook \(Windows, Windows Mail\)\./);
    expect(await radius.textContent()).toContain(
      'Fallback, with the bundled templates: Buttons and badges show square corners.',
    );
    expect(await page.locator('#compatibility').textContent()).toContain(
      'Checked in Gmail, Outlook, Apple Mail, Yahoo Mail',
    );
    if (HAS_SPAMASSASSIN) {
      const score = page.locator('#spam .score');
      await score.waitFor({ timeout: 20_000 });
      expect(Number.isFinite(Number(await score.textContent()))).toBe(true);
      expect(await page.locator('#spam li.rule').count()).toBeGreaterThan(0);
    } else {
      await page.getByText('sudo apt-get install spamassassin').waitFor({ timeout: 10_000 });
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-panels.png'), fullPage: true });
    await page.close();
  });

  it('sizes the frame from ?width=, by keyboard and by dragging, and keeps it across a reload', async () => {
    const page = await open('?width=600');
    expect(await frameWidth(page)).toBe(600);
    expect(await page.locator('#width').inputValue()).toBe('600');

    await page.locator('#resize').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    expect(await frameWidth(page)).toBe(660);
    expect(param(page, 'width')).toBe('660');

    const handle = await page.locator('#resize').boundingBox();
    if (!handle) throw new Error('no resize handle');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 - 50, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await frameWidth(page)).toBe(560);
    expect(param(page, 'width')).toBe('560');

    await page.reload();
    await page.locator('#items li').first().waitFor();
    expect(await frameWidth(page)).toBe(560);

    // Picking a preset width again takes the hand-made one out of the URL.
    await page.click('button[data-view="mobile"]');
    expect(await frameWidth(page)).toBe(375);
    expect(param(page, 'width')).toBeNull();
    await page.close();
  });

  it('keeps the week in the URL, so a reload or a shared link shows the same week', async () => {
    const page = await open();
    expect(param(page, 'week')).toBe('latest');
    await page.selectOption('#week', '2026-W46');
    await page.locator('#inbox-subject', { hasText: 'Week 46' }).waitFor({ timeout: 5000 });
    expect(param(page, 'week')).toBe('2026-W46');

    await page.reload();
    await page.locator('#inbox-subject', { hasText: 'Week 46' }).waitFor({ timeout: 5000 });
    expect(await page.locator('#week').inputValue()).toBe('2026-W46');

    // A link shared with the week in it opens on that week.
    const shared = await open('?week=2026-W47&view=text');
    await shared.locator('#inbox-subject', { hasText: 'Week 47' }).waitFor({ timeout: 5000 });
    expect(await shared.locator('#week').inputValue()).toBe('2026-W47');
    await shared.locator('#code', { hasText: 'This week at a glance' }).waitFor({ timeout: 5000 });
    await Promise.all([page.close(), shared.close()]);
  });

  it('remembers the test address for the next visit', async () => {
    const page = await open('?week=latest');
    await page.fill('#send-address', 'editor@example.org');
    await page.click('#send-form button');
    await page.locator('#send-result', { hasText: 'sent to e***@example.org' }).waitFor({ timeout: 5000 });
    await page.close();

    const again = await open();
    expect(await again.locator('#send-address').inputValue()).toBe('editor@example.org');
    await again.close();
  });

  it('copies the HTML and the text, and downloads them as files', async () => {
    const page = await open();
    await page.click('#copy-html');
    await page.locator('#copy-result', { hasText: 'HTML copied' }).waitFor({ timeout: 5000 });
    const html = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(html).toMatch(/^<!doctype html>/);
    await page.click('#copy-text');
    await page.locator('#copy-result', { hasText: 'text copied' }).waitFor({ timeout: 5000 });
    expect(String(await page.evaluate('navigator.clipboard.readText()'))).toContain('This week at a glance');

    for (const [button, name] of [
      ['#download-html', 'digest-2026-W47.html'],
      ['#download-text', 'digest-2026-W47.txt'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      expect(download.suggestedFilename()).toBe(name);
    }
    await page.close();
  });

  it('copies through a selection where the Clipboard API is missing', async () => {
    const page = await open();
    await page.evaluate("Object.defineProperty(navigator, 'clipboard', { value: undefined })");
    await page.click('#copy-text');
    await page.locator('#copy-result', { hasText: 'text copied' }).waitFor({ timeout: 5000 });
    await page.close();
  });

  it('fits a 390 px screen with no sideways scrolling, every tab reachable by keyboard', async () => {
    const page = await open('', { width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    for (const view of VIEWS) {
      const box = await page.locator(`button[data-view="${view}"]`).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, view).toBe(true);
    }
    const reached = new Set<string>();
    for (let press = 0; press < 20 && reached.size < VIEWS.length; press++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate('document.activeElement && document.activeElement.dataset.view');
      if (typeof focused === 'string') reached.add(focused);
    }
    expect([...reached].sort()).toEqual([...VIEWS].sort());
    await page.locator('button[data-view="text"]').focus();
    await page.keyboard.press('Enter');
    expect(param(page, 'view')).toBe('text');
    await page.locator('#code', { hasText: 'This week at a glance' }).waitFor({ timeout: 5000 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-390.png'), fullPage: false });
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
