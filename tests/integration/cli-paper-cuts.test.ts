import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest } from '../helpers/cli.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { refusingEndpoint } from '../helpers/faulty-proxy.js';

/** The rough edges a newcomer met in the first hour, each through the real command. */
const briefing = (topic: string) =>
  `Highlights\n- ${topic} output rose in November.\n- Exports held steady.\nThe agency published the figures on Monday.`;

describe('the default period', () => {
  it('covers the 7 whole days it is labelled with, the first day included', async () => {
    const source = temporaryFolder();
    writeFileSync(join(source, '2026-11-19-tin.txt'), briefing('Tin'));
    writeFileSync(join(source, '2026-11-18-zinc.txt'), briefing('Zinc'));
    const out = temporaryFolder();
    const run = await runDigest([
      'build',
      '--source',
      source,
      '--now',
      '2026-11-25T10:00:00Z',
      '--out',
      out,
      '--verbose',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Digest 2026-11-19_2026-11-25 \(19–25 November 2026\): 1 item/);
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.items.map((item: { file: string }) => item.file)).toEqual(['2026-11-19-tin.txt']);
    expect(manifest).toMatchObject({ skipped: [], outsideThePeriod: 1 });
    expect(run.stdout).toContain(
      '1 file outside the period:\n  - 2026-11-18-zinc.txt: outside the period: dated 2026-11-18 (file name), before 19–25 November 2026',
    );
  });
});

describe('errors in one voice', () => {
  it.each([
    [['biuld'], "digest: unknown command 'biuld' (did you mean build?): run with --help for usage\n"],
    [
      ['build', '--wek', '2026-W47'],
      "digest: unknown option '--wek' (did you mean --week?): run with --help for usage\n",
    ],
    [
      ['build', '--week'],
      "digest: option '--week <YYYY-Www|latest>' argument missing: run with --help for usage\n",
    ],
    [
      ['send', '--concurrency', 'many'],
      'digest: --concurrency must be a whole number from 1 to 256 (got "many")\n',
    ],
  ])('says %j as one line that starts with digest:', async (args, stderr) => {
    const run = await runDigest(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(stderr);
  });

  it('names an environment variable as the source of a bad value, and warns about one that is no setting', async () => {
    const run = await runDigest(['build', '--source', 'examples/briefings', '--out', temporaryFolder()], {
      DIGEST_WEEK: 'bogus',
      DIGEST_TIMEZONE: 'Europe/Berlin',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'digest: warning: DIGEST_TIMEZONE is not a setting and is ignored: did you mean DIGEST_TIME_ZONE?\n' +
        'digest: DIGEST_WEEK=bogus: must be an ISO week such as 2026-W47, or "latest"\n',
    );
  });
});

describe('sources with nothing to use', () => {
  it('says an empty folder is empty, instead of suggesting other periods', async () => {
    const empty = temporaryFolder();
    const run = await runDigest(['build', '--source', empty, '--week', 'latest', '--out', temporaryFolder()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `No briefings in ${empty}: add .md, .txt or .json files, or check --source.`,
    );
    expect(run.stdout).not.toContain('Try --week latest');
  });

  it('says a missing folder is missing, in one line', async () => {
    const run = await runDigest([
      'build',
      '--source',
      join(temporaryFolder(), 'x'),
      '--out',
      temporaryFolder(),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^digest: briefings folder not found: .*\/x: check --source\n$/);
  });
});

describe('digest subscribers list', () => {
  it('fails before printing anything when there is no store', async () => {
    const run = await runDigest([
      'subscribers',
      'list',
      '--subscribers',
      join(temporaryFolder(), 'none.csv'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^digest: subscribers file not found: /);
  });
});

describe('templates that cannot be what the editor meant', () => {
  const build = (templates: string) =>
    runDigest([
      'build',
      '--source',
      'examples/briefings',
      '--week',
      'latest',
      '--templates',
      templates,
      '--out',
      temporaryFolder(),
    ]);

  it('warns about a file the templates never use, naming the one it was probably meant to be', async () => {
    const templates = temporaryFolder();
    mkdirSync(join(templates, 'partials'));
    cpSync(join(ROOT, 'templates', 'partials', 'item.hbs'), join(templates, 'partials', 'items.hbs'));
    const run = await build(templates);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Template warning: ${join(templates, 'partials', 'items.hbs')} is not used by any template: did you mean partials/item.hbs?`,
    );
  });

  it('names the line where an unclosed {{#if}} opened', async () => {
    const templates = temporaryFolder();
    mkdirSync(join(templates, 'partials'));
    const item = readFileSync(join(ROOT, 'templates', 'partials', 'item.hbs'), 'utf8').split('\n');
    item.splice(2, 0, '{{#if url}}');
    writeFileSync(join(templates, 'partials', 'item.hbs'), item.join('\n'));
    const run = await build(templates);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `digest: ${join(templates, 'partials', 'item.hbs')}:3: {{#if}} opened here is never closed: add {{/if}} where the block ends\n`,
    );
  });
});

describe('DynamoDB errors with the next step', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const AWS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };

  it('says a table does not exist and where to find its name', async () => {
    const run = await runDigest(
      [
        'subscribers',
        'count',
        '--subscribers',
        'dynamodb://no-such-table',
        '--dynamodb-endpoint',
        dynamo.endpoint,
      ],
      AWS,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'digest: DynamoDB no-such-table: table no-such-table does not exist: check the name and the region (the CDK stack outputs the name)\n',
    );
  });

  it('says DynamoDB cannot be reached and what to check', async () => {
    const run = await runDigest(
      [
        'subscribers',
        'count',
        '--subscribers',
        'dynamodb://subscribers',
        '--dynamodb-endpoint',
        await refusingEndpoint(),
      ],
      { ...AWS, AWS_MAX_ATTEMPTS: '1' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^digest: DynamoDB subscribers: cannot reach DynamoDB: check the network, the region \(AWS_REGION\) and --dynamodb-endpoint/,
    );
  });
});
