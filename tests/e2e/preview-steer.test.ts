import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPreview } from '../../src/cli/preview-command.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

const SCREENSHOTS = join(ROOT, 'test-results');
/** How long an action may take on a busy machine (the whole suite shares two cores). */
const WAIT = 15_000;
const CHILE = 'Chile’s copper output slips as ore grades decline';
const SPAIN = 'Spain awards 1.2 GW of battery storage in first capacity auction';
const MAGNETS = 'Magnet recycler opens pilot line in Rotterdam';
const ANTWERP = 'Port of Antwerp adds a bonded warehouse for battery metals';

describe.skipIf(!HAS_CHROMIUM)('steering the issue from the preview, in headless Chromium', () => {
  const source = temporaryFolder('preview-steer-e2e-source-');
  const issueFile = join(source, 'issues', '2026-W47.yaml');
  let browser: Browser;
  let page: Page;
  let preview: Awaited<ReturnType<typeof runPreview>>;
  const consoleErrors: string[] = [];

  const onDisk = () => (existsSync(issueFile) ? readFileSync(issueFile, 'utf8') : null);
  /** The digest's text as the frame shows it now. */
  const frameText = async () =>
    String(await page.evaluate("document.getElementById('digest').contentDocument?.body?.textContent ?? ''"));
  /** Waits until the frame shows a build for which `check` holds (the frame reloads after each build). */
  const frameShows = async (check: (text: string) => boolean) => {
    const deadline = Date.now() + WAIT;
    for (;;) {
      const text = await frameText();
      if (check(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`the frame never showed it; it shows: ${text.slice(0, 300)}`);
      await page.waitForTimeout(50);
    }
  };
  const button = (label: string) => page.getByRole('button', { name: label, exact: true });
  /** The action under way has finished (the list is no longer busy): the next key press counts. */
  const idle = () => page.locator('#items:not([aria-busy])').waitFor({ timeout: WAIT });
  const itemTitles = async () =>
    (await page.locator('#items .item-title').allTextContents()).map((title) =>
      title.replace(/extracted$/, ''),
    );

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
    const settings = resolveSettings(
      { source, digest: temporaryFolder('preview-steer-e2e-out-'), port: 0, week: 'latest' },
      {},
    );
    preview = await runPreview(settings, () => {});
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(preview.url);
    await page.locator('#items li').first().waitFor();
  }, 60_000);

  beforeEach(async () => {
    await idle();
    // Each test starts from no issue file: the watcher rebuilds and the page follows.
    if (existsSync(join(source, 'issues'))) {
      rmSync(join(source, 'issues'), { recursive: true, force: true });
      // The page has caught up when it says there is no issue file (actions are based on what it shows).
      await page
        .locator('#issue-file', { hasText: 'No issues/2026-W47.yaml in the source' })
        .waitFor({ timeout: WAIT });
    }
    await frameShows((text) => text.lastIndexOf(CHILE) < text.lastIndexOf(SPAIN));
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  it('pins a story as the lead, and unpins it', async () => {
    const lead = button(`Lead story: "${MAGNETS}"`);
    expect(await lead.getAttribute('aria-pressed')).toBe('false');
    await lead.click();

    await page
      .locator('#items li:first-child button[aria-pressed="true"]', { hasText: 'Lead' })
      .waitFor({ timeout: WAIT });
    expect(onDisk()).toBe('lead: 2026-11-18-magnet-recycling.json\n');
    expect((await itemTitles())[0]).toBe(MAGNETS);
    await page.locator('#inbox-subject', { hasText: `Week 47: ${MAGNETS}` }).waitFor({ timeout: WAIT });
    await frameShows((text) => text.lastIndexOf(MAGNETS) < text.lastIndexOf(CHILE));
    // The lead stays first: its arrows are off, and nothing moves above it.
    expect(await button(`Move "${MAGNETS}" down`).isDisabled()).toBe(true);
    expect(await button(`Move "${CHILE}" up`).isDisabled()).toBe(true);

    await button(`Lead story: "${MAGNETS}"`).click();
    await page.locator('#inbox-subject', { hasText: `Week 47: ${CHILE}` }).waitFor({ timeout: WAIT });
    expect(onDisk()).toBe('');
  });

  it('moves a story down', async () => {
    expect(await button(`Move "${CHILE}" up`).isDisabled()).toBe(true);
    await button(`Move "${CHILE}" down`).click();

    await page.locator('#items li:nth-child(2) .item-title', { hasText: CHILE }).waitFor({ timeout: WAIT });
    expect(onDisk()).toBe(
      [
        'order:',
        '  - 2026-11-20-grid-storage-tender.md',
        '  - 2026-11-21-chile-copper.txt',
        '  - 2026-11-19-indonesia-nickel.txt',
        '  - 2026-11-18-magnet-recycling.json',
        '  - 2026-11-17-antwerp-bonded-warehouse.txt',
        '  - 2026-11-16-lithium-refinery.md',
        '',
      ].join('\n'),
    );
    // The frame and the inbox line follow: the subject names the story now on top.
    await frameShows((text) => text.lastIndexOf(SPAIN) < text.lastIndexOf(CHILE));
    // (Shortened to fit 78 characters with "(+5 more)".)
    await page
      .locator('#inbox-subject', { hasText: 'Week 47: Spain awards 1.2 GW' })
      .waitFor({ timeout: WAIT });
  });

  it('drops a story and restores it', async () => {
    await button(`Drop "${ANTWERP}"`).click();

    const restore = button(`Restore "${ANTWERP}"`);
    await restore.waitFor({ timeout: WAIT });
    expect(onDisk()).toBe('drop:\n  - 2026-11-17-antwerp-bonded-warehouse.txt\n');
    expect(await itemTitles()).not.toContain(ANTWERP);
    expect(await page.locator('#dropped-heading').textContent()).toBe('Dropped (1)');
    await frameShows((text) => !text.includes(ANTWERP) && text.includes(CHILE));

    await restore.click();
    await button(`Drop "${ANTWERP}"`).waitFor({ timeout: WAIT });
    expect(onDisk()).toBe('');
    expect(await page.locator('#dropped-heading').isHidden()).toBe(true);
    await frameShows((text) => text.includes(ANTWERP));
  });

  it('edits the subject, and says in one line why a subject is refused', async () => {
    await page.fill('#issue-subject', 'Week 47: copper slips,\tlithium ships');
    await page.click('#issue-text button[type="submit"]');
    await page
      .locator('#issue-text-result', {
        hasText: 'the subject must be one line: remove the line break or control character',
      })
      .waitFor({ timeout: WAIT });
    expect(onDisk()).toBeNull();

    await page.fill('#issue-subject', 'Week 47: copper slips, lithium ships');
    await page.click('#issue-text button[type="submit"]');
    await page
      .locator('#inbox-subject', { hasText: 'Week 47: copper slips, lithium ships' })
      .waitFor({ timeout: WAIT });
    expect(onDisk()).toBe('subject: "Week 47: copper slips, lithium ships"\n');
    // The digest's own <title> is the subject: the frame shows the new build.
    await expect
      .poll(() => page.evaluate("document.getElementById('digest').contentDocument.title"), { timeout: WAIT })
      .toBe('Week 47: copper slips, lithium ships');
    expect(await page.locator('#issue-subject').inputValue()).toBe('Week 47: copper slips, lithium ships');
    // The inbox line can follow the build before the action's own answer arrives.
    await page
      .locator('#issue-text-result', { hasText: 'Saved to issues/2026-W47.yaml' })
      .waitFor({ timeout: WAIT });
  });

  it('says in one line when the file changed under an action, and writes nothing', async () => {
    // The page's base is made stale on its way out: as if the file had changed since the page loaded.
    await page.route('**/api/issue', (route) =>
      route.continue({
        postData: JSON.stringify({ ...route.request().postDataJSON(), base: 'an older version' }),
      }),
    );
    try {
      await button(`Drop "${ANTWERP}"`).click();
      await page
        .locator('#steer-result.error', {
          hasText:
            'issues/2026-W47.yaml changed since the page showed it: look at it again and redo your change',
        })
        .waitFor({ timeout: WAIT });
    } finally {
      await page.unroute('**/api/issue');
    }
    expect(onDisk()).toBeNull();
    expect(await itemTitles()).toContain(ANTWERP);
  });

  it('works by keyboard on a 390 px screen, keeping focus on the story it moved', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const down = button(`Move "${CHILE}" down`);
      await down.focus();
      await page.keyboard.press('Enter');
      await page.locator('#items li:nth-child(2) .item-title', { hasText: CHILE }).waitFor({ timeout: WAIT });
      await expect
        .poll(
          () => page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')"),
          {
            timeout: WAIT,
          },
        )
        .toBe(`Move "${CHILE}" down`);
      await page.keyboard.press('Enter');
      await page.locator('#items li:nth-child(3) .item-title', { hasText: CHILE }).waitFor({ timeout: WAIT });
      expect(onDisk()).toContain('  - 2026-11-19-indonesia-nickel.txt\n  - 2026-11-21-chile-copper.txt\n');

      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      const outside = await page.evaluate(
        "[...document.querySelectorAll('#items .steer button')].filter((b) => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > 390; }).length",
      );
      expect(outside).toBe(0);
      expect(await page.locator('#items .steer button').count()).toBe(24);
      await page.locator('#items').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'preview-steer-390.png'), fullPage: false });
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
  });

  it('never turns a repeated key press into another action: past the end, and after Drop and Restore', async () => {
    const LITHIUM = 'Nevada lithium refinery starts first commercial shipments';
    const focusedLabel = () =>
      page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')");
    // The next-to-last story moved down becomes last: its ↓ is off, and the keyboard moves to its
    // ↑ (not to Lead, which the next press would pin).
    await button(`Move "${ANTWERP}" down`).focus();
    await page.keyboard.press('Enter');
    await page.locator('#items li:last-child .item-title', { hasText: ANTWERP }).waitFor({ timeout: WAIT });
    await expect.poll(focusedLabel, { timeout: WAIT }).toBe(`Move "${ANTWERP}" up`);
    await idle();
    await page.keyboard.press('Enter');
    await page.locator('#items li:last-child .item-title', { hasText: LITHIUM }).waitFor({ timeout: WAIT });
    await idle();
    expect(onDisk()).not.toContain('lead:');

    // Drop: the keyboard goes to the story's Restore button; Restore: back to its Drop button.
    await button(`Drop "${ANTWERP}"`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedLabel, { timeout: WAIT }).toBe(`Restore "${ANTWERP}"`);
    await idle();
    await page.keyboard.press('Enter');
    await expect.poll(focusedLabel, { timeout: WAIT }).toBe(`Drop "${ANTWERP}"`);
    expect(onDisk()).not.toContain('drop:');
  });

  it('logged no console errors but the refused subject and the stale action', () => {
    expect(consoleErrors).toEqual([
      `Failed to load resource: the server responded with a status of 400 (Bad Request) (${preview.url}api/issue)`,
      `Failed to load resource: the server responded with a status of 409 (Conflict) (${preview.url}api/issue)`,
    ]);
  });
});
