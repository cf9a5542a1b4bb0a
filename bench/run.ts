import { execFile } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadTemplates } from '../src/adapters/templates-fs.js';
import { runPreview } from '../src/cli/preview-command.js';
import { compileTemplates } from '../src/core/render/render.js';
import { resolveSettings } from '../src/settings/settings.js';
import { buildFromSettings, issueOf, sourceFor } from '../src/workflows/local-build.js';
import { benchArchive, benchCliStartup } from './archive-bench.js';
import { benchBuild, benchCliBuild } from './build-bench.js';
import { benchGrouping } from './group-bench.js';
import { median, timed } from './measure.js';
import { benchSend } from './send-bench.js';

/**
 * `npm run bench`: every figure beside a baseline measured in the same run (these machines are
 * noisy, so ratios say more than absolute numbers). Writes bench/results.json.
 */
const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'digest-bench-'));
const started = performance.now();
const log = (line: string) => process.stdout.write(`${line}\n`);

try {
  log('build …');
  const build = await benchBuild(work, [10, 100, 1000, 5000]);

  log('grouping one event from several sources …');
  const grouping = await benchGrouping([1000, 5000]);

  log('CLI startup …');
  const cli = { ...(await benchCliStartup()), build: await benchCliBuild(work, 1000) };

  log('a week among 20 weeks of briefings (folder and S3) …');
  const archive = await benchArchive(work, compileTemplates(await loadTemplates()));

  log('send …');
  const settings = resolveSettings({ source: join(ROOT, 'examples', 'briefings'), week: 'latest' }, {});
  const built = await buildFromSettings(
    settings,
    compileTemplates(await loadTemplates()),
    await sourceFor(settings),
  );
  if (!built.output) throw new Error('the sample digest did not build');
  const send = await benchSend(issueOf(built, built.output), work, built.output.mjmlRenders);

  log('memory (1,000,000 subscribers) …');
  const memory = await benchMemory();

  log('lambda bundles …');
  const lambda = await benchLambda();

  log('preview …');
  const preview = await benchPreview();

  const results = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    measuredAt: new Date().toISOString(),
    build,
    grouping,
    cli,
    archive,
    send,
    memory,
    lambda,
    preview,
    targets: {
      build1000UnderOneSecond:
        (build.find((figure) => figure.briefings === 1000)?.buildMs ?? Number.POSITIVE_INFINITY) < 1000,
      build1000WithinTwiceBaseline:
        (build.find((figure) => figure.briefings === 1000)?.ratio ?? Number.POSITIVE_INFINITY) <= 2,
      // Five times the briefings may cost at most seven times the time: near-linear, not quadratic.
      grouping5000NearLinear:
        (grouping.find((figure) => figure.briefings === 5000)?.groupMs ?? Number.POSITIVE_INFINITY) <=
        7 * (grouping.find((figure) => figure.briefings === 1000)?.groupMs ?? 0),
      helpWithin4xBareNode: cli.ratio <= 4,
      cliBuild1000Within2xFloor: cli.build.ratio <= 2,
      weekAmongArchiveWithin1_3x: archive.ratio <= 1.3,
      weekAmongArchiveAtMost80Lines: archive.outputLines <= 80,
      weekAmongArchiveManifestUnder100KB: archive.manifestBytes < 100 * 1024,
      weekFromS3DownloadsAtMostTwiceTheWeek: archive.s3.downloads <= 2 * archive.s3.weekBriefings,
      sesAtLeast90PercentOfBareSdk: send.ses.ratio >= 0.9,
      fileOutboxAtLeast2000PerSecond: send.fileOutbox.perSecond >= 2000,
      oneRenderPerIssue: send.rendersPerIssue.mjmlRendersDuringSend === 0,
      millionSubscribersUnder256MB: memory.send.peakRssBytes < 256 * 2 ** 20,
      bundlesUnder1MB: lambda.every((bundle) => bundle.bytes < 2 ** 20),
      importsUnder150ms: lambda.every((bundle) => bundle.importMs < 150),
      previewUnder300ms: preview.saveToPageMs < 300,
    },
    durationSeconds: Math.round((performance.now() - started) / 1000),
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function benchMemory() {
  const csv = join(work, 'million.csv');
  const out = createWriteStream(csv);
  out.write('email,status\n');
  for (let index = 0; index < 1_000_000; index++) {
    if (!out.write(`reader${index}@example.org,active\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  const child = async (mode: string) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench', 'memory-child.ts'), mode, csv],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        maxBuffer: 1024 * 1024,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { count: number; peakRssBytes: number };
  };
  const read = await child('read');
  const send = await timed(() => child('send'));
  return {
    subscribers: send.value.count,
    read,
    send: { ...send.value, seconds: send.ms / 1000 },
    ratio: send.value.peakRssBytes / read.peakRssBytes,
  };
}

async function benchLambda() {
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  await run(cdk, ['synth', '--quiet', '--no-notices'], {
    cwd: ROOT,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' },
    maxBuffer: 32 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(ROOT, 'cdk.out', 'WeeklyDigest.template.json'), 'utf8')) as {
    Resources: Record<
      string,
      {
        Type: string;
        Metadata?: Record<string, string>;
        Properties?: { Environment?: { Variables?: Record<string, unknown> } };
      }
    >;
  };
  const empty = join(work, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => 1;\n');
  const importTime = async (file: string, env: Record<string, string>) => {
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`,
        ],
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
      );
      times.push(Number(stdout.trim()));
    }
    return median(times);
  };
  const baselineMs = await importTime(empty, {});
  const figures = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !asset) continue;
    const bundle = join(ROOT, 'cdk.out', asset, 'index.mjs');
    // The function's own environment, with placeholder values for what CloudFormation fills in.
    const env = Object.fromEntries(
      Object.entries(resource.Properties?.Environment?.Variables ?? {}).map(([key, value]) => [
        key,
        typeof value === 'string'
          ? value
          : key.endsWith('URL')
            ? 'https://x.lambda-url.us-east-1.on.aws/'
            : `placeholder-${key.toLowerCase()}`,
      ]),
    );
    env.AWS_REGION = 'us-east-1';
    env.QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/q';
    env.ARCHIVE_URL = 'https://x.lambda-url.us-east-1.on.aws/view/{issueId}';
    figures.push({
      function: logicalId.replace(/[0-9A-F]{8}$/, ''),
      bytes: statSync(bundle).size,
      importMs: await importTime(bundle, env),
      baselineImportMs: baselineMs,
    });
  }
  return figures;
}

async function benchPreview() {
  const source = join(work, 'preview-source');
  cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
  const settings = resolveSettings(
    { source, digest: join(work, 'preview-out'), port: 0, week: 'latest' },
    {},
  );
  const preview = await runPreview(settings, () => {});
  try {
    const response = await fetch(new URL('/events', preview.url));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const nextVersion = async (after: number): Promise<number> => {
      for (;;) {
        const match = [...buffered.matchAll(/data: \{"version":(\d+)\}/g)]
          .map((found) => Number(found[1]))
          .find((version) => version > after);
        if (match !== undefined) return match;
        const { value } = await reader.read();
        buffered += decoder.decode(value);
      }
    };
    let version = await nextVersion(-1);
    const file = join(source, '2026-11-18-magnet-recycling.json');
    const original = JSON.parse(readFileSync(file, 'utf8'));
    const times: number[] = [];
    for (let round = 0; round < 6; round++) {
      const edit = await timed(async () => {
        writeFileSync(file, JSON.stringify({ ...original, title: `Magnet recycler update ${round}` }));
        version = await nextVersion(version);
        const html = await (await fetch(new URL(`/digest.html?v=${version}`, preview.url))).text();
        if (!html.includes(`Magnet recycler update ${round}`))
          throw new Error('the preview did not show the edit');
      });
      if (round > 0) times.push(edit.ms);
    }
    await reader.cancel();
    const build = await timed(async () =>
      buildFromSettings(settings, compileTemplates(await loadTemplates()), await sourceFor(settings)),
    );
    return {
      saveToPageMs: median(times),
      buildOnlyMs: build.ms,
      ratio: median(times) / build.ms,
      samples: times,
    };
  } finally {
    await preview.stop();
  }
}

function printTable(results: {
  build: Awaited<ReturnType<typeof benchBuild>>;
  grouping: Awaited<ReturnType<typeof benchGrouping>>;
  cli: Awaited<ReturnType<typeof benchCliStartup>> & { build: Awaited<ReturnType<typeof benchCliBuild>> };
  archive: Awaited<ReturnType<typeof benchArchive>>;
  send: Awaited<ReturnType<typeof benchSend>>;
  memory: Awaited<ReturnType<typeof benchMemory>>;
  lambda: Awaited<ReturnType<typeof benchLambda>>;
  preview: Awaited<ReturnType<typeof benchPreview>>;
  targets: Record<string, boolean>;
  durationSeconds: number;
}): void {
  const rows: [string, string, string, string][] = [['figure', 'measured', 'baseline (same run)', 'ratio']];
  for (const figure of results.build) {
    rows.push([
      `build ${figure.briefings} briefings (${figure.items} items, ${figure.mjmlRenders} render${figure.mjmlRenders === 1 ? '' : 's'})`,
      `${figure.buildMs.toFixed(0)} ms`,
      `${figure.baselineMs.toFixed(0)} ms (read + 1 render)`,
      `${figure.ratio.toFixed(2)}×`,
    ]);
  }
  for (const figure of results.grouping) {
    rows.push([
      `group ${figure.briefings} briefings of a week (${figure.groups} groups, ${figure.events} events)`,
      `${figure.groupMs.toFixed(0)} ms`,
      `${figure.baselineMs.toFixed(0)} ms (near-duplicate pass)`,
      `${figure.ratio.toFixed(2)}×`,
    ]);
  }
  const { cli, archive } = results;
  rows.push([
    'digest --help (compiled CLI)',
    `${cli.helpMs.toFixed(0)} ms`,
    `${cli.bareMs.toFixed(0)} ms (node -e 0)`,
    `${cli.ratio.toFixed(2)}×`,
  ]);
  rows.push([
    `digest build, ${cli.build.briefings} briefings (new process)`,
    `${cli.build.cliMs.toFixed(0)} ms`,
    `${cli.build.floorMs.toFixed(0)} ms (node + read + 1 render)`,
    `${cli.build.ratio.toFixed(2)}×`,
  ]);
  rows.push([
    `build 1 week among ${archive.weeks} weeks × ${archive.perWeek} (folder)`,
    `${archive.withArchiveMs.toFixed(0)} ms, ${archive.outputLines} lines, manifest ${(archive.manifestBytes / 1024).toFixed(0)} KB`,
    `${archive.weekAloneMs.toFixed(0)} ms (the week alone)`,
    `${archive.ratio.toFixed(2)}×`,
  ]);
  rows.push([
    `build 1 week among ${archive.s3.objects} objects (S3, s3rver)`,
    `${archive.s3.downloads} downloads`,
    `${archive.s3.weekBriefings} briefings in the week`,
    `${(archive.s3.downloads / archive.s3.weekBriefings).toFixed(2)}×`,
  ]);
  const { ses, fileOutbox, rendersPerIssue } = results.send;
  rows.push([
    `send via local SES, ${ses.messages} msgs, concurrency ${ses.concurrency}`,
    `${ses.pipelinePerSecond.toFixed(0)} msg/s`,
    `${ses.bareSdkPerSecond.toFixed(0)} msg/s (bare SDK loop)`,
    `${ses.ratio.toFixed(2)}×`,
  ]);
  rows.push([
    `send into file outbox, ${fileOutbox.messages} msgs`,
    `${fileOutbox.perSecond.toFixed(0)} msg/s`,
    `${fileOutbox.baselinePerSecond.toFixed(0)} msg/s (bare file writes)`,
    `${fileOutbox.ratio.toFixed(2)}×`,
  ]);
  rows.push([
    `MJML renders per issue (${rendersPerIssue.recipients} recipients)`,
    String(rendersPerIssue.mjmlRendersForIssue),
    'renders during the send: 0',
    '',
  ]);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  rows.push([
    `peak RSS, ${results.memory.subscribers.toLocaleString('en')} subscribers streamed`,
    mb(results.memory.send.peakRssBytes),
    `${mb(results.memory.read.peakRssBytes)} (only reading the list)`,
    `${results.memory.ratio.toFixed(2)}×`,
  ]);
  for (const bundle of results.lambda) {
    rows.push([
      `lambda ${bundle.function}`,
      `${(bundle.bytes / 1024).toFixed(0)} KB, import ${bundle.importMs.toFixed(0)} ms`,
      `${bundle.baselineImportMs.toFixed(1)} ms (empty module)`,
      '',
    ]);
  }
  rows.push([
    'preview save → updated page',
    `${results.preview.saveToPageMs.toFixed(0)} ms`,
    `${results.preview.buildOnlyMs.toFixed(0)} ms (the build alone)`,
    `${results.preview.ratio.toFixed(2)}×`,
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of rows) log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
  log('');
  for (const [target, met] of Object.entries(results.targets)) log(`${met ? 'met   ' : 'MISSED'} ${target}`);
  log(`\nbench/results.json written (${results.durationSeconds} s)`);
}
