import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/adapters/templates-fs.js';
import { createMessageFactory } from '../../src/core/delivery/message-template.js';
import { compileTemplates } from '../../src/core/render/render.js';
import { SPAMASSASSIN_INSTALL_HINT, scoreWithSpamAssassin } from '../../src/preview/spamassassin.js';
import { messageContext, resolveSettings } from '../../src/settings/settings.js';
import { buildFromSettings, issueOf, sourceFor } from '../../src/workflows/local-build.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT } from '../helpers/cli.js';

const SPAMASSASSIN = '/usr/bin/spamassassin';

/** A folder holding only a stand-in `spamassassin` that runs `script`. */
function fakeSpamAssassin(script: string): string {
  const folder = temporaryFolder('fake-spamassassin-');
  writeFileSync(join(folder, 'spamassassin'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(folder, 'spamassassin'), 0o755);
  return folder;
}

let sample: Buffer;
beforeAll(async () => {
  // The sample message of the bundled examples, made as `digest build` makes digest.eml.
  const settings = resolveSettings({ source: join(ROOT, 'examples', 'briefings'), week: 'latest' }, {});
  const result = await buildFromSettings(
    settings,
    compileTemplates(await loadTemplates()),
    await sourceFor(settings),
  );
  if (!result.output) throw new Error('the examples did not build');
  const makeMessage = await createMessageFactory(issueOf(result, result.output), messageContext(settings));
  sample = (await makeMessage(settings.sampleRecipient)).raw;
});

describe('the preview’s SpamAssassin runner', () => {
  it('says in one line how to install SpamAssassin when it is not on the PATH', async () => {
    // Arrange: a PATH with no spamassassin on it.
    const path = temporaryFolder('no-spamassassin-');
    // Act
    const report = await scoreWithSpamAssassin(sample, { home: temporaryFolder(), path });
    // Assert
    expect(report).toEqual({ status: 'missing', hint: SPAMASSASSIN_INSTALL_HINT });
    expect(SPAMASSASSIN_INSTALL_HINT).toContain('sudo apt-get install spamassassin');
    expect(SPAMASSASSIN_INSTALL_HINT).not.toContain('\n');
  });

  it('gives up on a SpamAssassin that does not answer in time, saying so', async () => {
    const path = `${fakeSpamAssassin('exec sleep 10')}:/usr/bin:/bin`;
    const report = await scoreWithSpamAssassin(sample, { home: temporaryFolder(), path, timeoutMs: 300 });
    expect(report).toEqual({ status: 'failed', message: 'SpamAssassin did not answer within 0.3 s' });
  });

  it('stops a run when asked (a newer build made it stale)', async () => {
    const path = `${fakeSpamAssassin('exec sleep 10')}:/usr/bin:/bin`;
    const controller = new AbortController();
    const running = scoreWithSpamAssassin(sample, {
      home: temporaryFolder(),
      path,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    expect(await running).toEqual({ status: 'failed', message: 'SpamAssassin was stopped' });
  });

  it('reports a SpamAssassin that fails with its last words', async () => {
    const path = fakeSpamAssassin('echo "config: cannot read rules" >&2; exit 2');
    const report = await scoreWithSpamAssassin(sample, { home: temporaryFolder(), path });
    expect(report).toEqual({
      status: 'failed',
      message: 'SpamAssassin stopped (exit code 2): config: cannot read rules',
    });
  });

  it('passes only local tests (-L) and the message on standard input', async () => {
    const fake = fakeSpamAssassin(
      '[ "$*" = "-L -t" ] || { echo "called with $*" >&2; exit 3; }; grep -q "^Subject: " || { echo "no message" >&2; exit 4; }; printf "Content analysis details:   (1.5 points, 5.0 required)\\n\\n pts rule name description\\n---- ---- ----\\n 1.5 FAKE_RULE A rule\\n"',
    );
    const path = `${fake}:/usr/bin:/bin`;
    const report = await scoreWithSpamAssassin(sample, { home: temporaryFolder(), path });
    expect(report).toMatchObject({
      status: 'scored',
      score: 1.5,
      rules: [{ rule: 'FAKE_RULE', points: 1.5 }],
    });
  });

  it.skipIf(!existsSync(SPAMASSASSIN))(
    'scores the sample message with the real SpamAssassin: a number, and the rules that fired',
    async () => {
      const report = await scoreWithSpamAssassin(sample, { home: temporaryFolder('spamassassin-home-') });
      if (report.status !== 'scored') throw new Error(`not scored: ${JSON.stringify(report)}`);
      expect(Number.isFinite(report.score)).toBe(true);
      expect(report.required).toBe(5);
      expect(report.rules.length).toBeGreaterThan(0);
      for (const rule of report.rules) expect(rule.rule).toMatch(/^[A-Z0-9_]+$/);
      expect(report.score).toBeCloseTo(
        report.rules.reduce((sum, rule) => sum + rule.points, 0),
        0,
      );
    },
  );
});
if (!existsSync(SPAMASSASSIN))
  console.warn(
    `SKIPPED: the real SpamAssassin score, because ${SPAMASSASSIN} is missing (apt-get install spamassassin)`,
  );
