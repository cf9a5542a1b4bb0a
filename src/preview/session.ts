import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { DateTime } from 'luxon';
import { BUNDLED_TEMPLATES, loadTemplates } from '../adapters/templates-fs.js';
import { createMessageFactory, type IssueContent } from '../core/delivery/message-template.js';
import { type InspectedBriefing, inspectBriefing } from '../core/digest/inspect.js';
import { readIssueFile } from '../core/digest/issue-file.js';
import type { PeriodRequest } from '../core/digest/period.js';
import {
  type IssueFileStore,
  issueFileVersion,
  readSteerAction,
  type ShownIssue,
  StaleIssueFileError,
  SteerError,
} from '../core/digest/steer-actions.js';
import { DigestError, TemplateError } from '../core/errors.js';
import type { DigestManifest } from '../core/render/build.js';
import { compileTemplates } from '../core/render/render.js';
import type { BriefingSource, ListedFile, SourceFile } from '../core/types.js';
import { messageContext, type Settings } from '../settings/settings.js';
import {
  buildFromSettings,
  issueFileStoreFor,
  issueOf,
  listS3Source,
  sourceFor,
} from '../workflows/local-build.js';
import { shownIssueOf, steerIssueFile } from '../workflows/steer-issue.js';
import { type BriefingFile, readBriefingFile } from './briefing-file.js';
import { type Check, digestChecks } from './checks.js';
import { type BuildReports, BuildReportsRunner, contentKey, type ReportInput } from './reports.js';

/** How often the issue file is looked at, for the changes a watcher missed. */
const ISSUE_FILE_PROBE_MS = 500;

/** What the preview page shows; everything but the HTML goes to the page as JSON. */
export interface PreviewState {
  version: number;
  builtAt: string;
  buildMs: number;
  /** `latest` or an ISO week. */
  week: string;
  /** ISO weeks that have briefings, newest first. */
  weeks: string[];
  source: string;
  /** The From line, as an inbox shows it. */
  from: string;
  manifest: DigestManifest | null;
  /** The issue file this week reads (`issues/<issueId>.yaml`, in the source), whether or not it exists yet. */
  issueFilePath: string | null;
  /** The version of that file this build read (see issueFileVersion): a steering action names it. */
  issueFileVersion: string | null;
  /** What the page's steering controls act on: the stories in order, the lead, the dropped files. */
  steering: ShownIssue | null;
  text: string | null;
  checks: Check[];
  error: { message: string; file: string | null; line: number | null } | null;
}

export interface PreviewSessionOptions {
  pollSeconds: number;
  /** Called when a build's compatibility or SpamAssassin report is ready (see BuildReportsRunner). */
  onReports?: (reports: BuildReports) => void;
  /** How long a build stays current before its slow checks start (default 300 ms). */
  reportDelayMs?: number;
  /** The PATH SpamAssassin is looked up in (default: this process's). */
  spamPath?: string;
}

/**
 * Builds the digest for the preview and rebuilds it when a briefing or template changes: folders
 * are watched, an S3 prefix is polled. A failed build keeps the last good page and reports the
 * error; the next good build clears it. Each good build's slow checks (compatibility, spam score)
 * run in the background afterwards, in `reports`.
 */
export class PreviewSession {
  state: PreviewState;
  html: string | null = null;
  issue: IssueContent | null = null;
  private building: Promise<void> | undefined;
  private again = false;
  private watchers: FSWatcher[] = [];
  private poller: NodeJS.Timeout | undefined;
  private issueFileProbe: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private sourceSignature = '';
  /** The files of the last build: what the preview may show, and nothing else. */
  private files: SourceFile[] = [];
  /** Steering actions, one at a time: each reads the file the one before it wrote. */
  private steering: Promise<unknown> = Promise.resolve();
  private issueFiles: Promise<IssueFileStore> | undefined;
  readonly reports: BuildReportsRunner;

  constructor(
    private readonly settings: Settings,
    private readonly onChange: (state: PreviewState) => void,
    private readonly options: PreviewSessionOptions = { pollSeconds: 5 },
  ) {
    this.reports = new BuildReportsRunner({
      onReport: (reports) => options.onReports?.(reports),
      ...(options.reportDelayMs !== undefined ? { delayMs: options.reportDelayMs } : {}),
      ...(options.spamPath !== undefined ? { spamPath: options.spamPath } : {}),
    });
    this.state = {
      version: 0,
      builtAt: '',
      buildMs: 0,
      week: settings.week ?? 'latest',
      weeks: [],
      source: settings.source,
      from: settings.from,
      manifest: null,
      issueFilePath: null,
      issueFileVersion: null,
      steering: null,
      text: null,
      checks: [],
      error: null,
    };
  }

  async start(): Promise<void> {
    await this.rebuild();
    const templateFolders = [
      BUNDLED_TEMPLATES,
      ...(this.settings.templates ? [this.settings.templates] : []),
    ];
    const folders = this.settings.source.startsWith('s3://')
      ? templateFolders
      : [this.settings.source, ...templateFolders];
    // chokidar, not fs.watch: Node 20's recursive fs.watch on Linux stops hearing a subfolder
    // once a file in it has been replaced by a rename, which is how the preview writes the issue
    // file (and how many editors save). A missing folder is reported by the build itself.
    const watcher = watch(folders, { ignoreInitial: true });
    watcher.on('all', () => this.changed());
    watcher.on('error', () => {});
    this.watchers.push(watcher);
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    if (!this.settings.source.startsWith('s3://')) {
      // Watchers miss things (chokidar, a folder deleted and made again; fs.watch, a file replaced
      // by a rename): the one file an editor steers by hand is also looked at twice a second.
      this.issueFileProbe = setInterval(() => void this.probeIssueFile(), ISSUE_FILE_PROBE_MS);
    }
    if (this.settings.source.startsWith('s3://')) {
      this.poller = setInterval(() => void this.pollS3(), this.options.pollSeconds * 1000);
    }
  }

  stop(): void {
    for (const watcher of this.watchers) void watcher.close();
    clearInterval(this.poller);
    clearInterval(this.issueFileProbe);
    clearTimeout(this.debounce);
    this.reports.stop();
  }

  async setWeek(week: string): Promise<void> {
    if (week !== 'latest' && !/^\d{4}-W\d{2}$/.test(week))
      throw new DigestError(`"${week}" is not an ISO week such as 2026-W47`);
    if (week === this.state.week && !this.state.error) return;
    this.state.week = week;
    await this.rebuild();
  }

  /**
   * Carries out a steering action from the page (`{ action, file?, field?, value?, base }`) on
   * this week's issue file, then rebuilds at once so every open page shows it. An action based on
   * a file that has changed since (`base` is not its version) is refused with a
   * StaleIssueFileError, after a rebuild that shows the file as it is now. Returns the version
   * of the file written, the `base` of the page's next action.
   */
  async steer(body: Record<string, unknown>): Promise<{ written: boolean; issueFileVersion: string }> {
    const action = readSteerAction(body);
    if (typeof body.base !== 'string')
      throw new SteerError('the page did not say which version of the issue file it showed: reload it');
    const base = body.base;
    const run = this.steering.then(() => this.steerNow(action, base));
    this.steering = run.catch(() => {});
    return run;
  }

  private async steerNow(
    action: ReturnType<typeof readSteerAction>,
    base: string,
  ): Promise<{ written: boolean; issueFileVersion: string }> {
    const { steering, error } = this.state;
    if (error || !steering)
      throw new SteerError('this week did not build, so it cannot be steered: fix what the page shows first');
    this.issueFiles ??= issueFileStoreFor(this.settings);
    try {
      const result = await steerIssueFile(await this.issueFiles, { issue: steering, base, action });
      if (result.written) await this.rebuildNow();
      return { written: result.written, issueFileVersion: result.version };
    } catch (failure) {
      if (failure instanceof StaleIssueFileError) await this.rebuildNow();
      throw failure;
    }
  }

  /**
   * Builds from what the source holds now. A build already running may have read the files
   * before they changed: wait for it, then build again.
   */
  private async rebuildNow(): Promise<void> {
    while (this.building) await this.building;
    await this.rebuild();
  }

  /** Saving a file fires several events: wait for the burst to end, then build once. */
  private changed(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rebuild(), 40);
  }

  /** Rebuilds when the issue file on disk is not the one the last build read. */
  private async probeIssueFile(): Promise<void> {
    const path = this.state.issueFilePath;
    if (!path || this.building) return;
    const file = join(this.settings.source, path);
    // As a build sees it: a plain file, or none (the folder listing leaves links out).
    const plain = await lstat(file).then(
      (info) => info.isFile(),
      () => false,
    );
    const bytes = plain ? await readFile(file).catch(() => undefined) : undefined;
    const text = bytes === undefined ? null : readIssueFile(path, bytes).text;
    if (issueFileVersion(path, text) !== this.state.issueFileVersion) this.changed();
  }

  /** Lists the S3 prefix (names, sizes, dates: no downloads) and rebuilds only when it changed. */
  private async pollS3(): Promise<void> {
    const files = await listS3Source(this.settings).catch(() => undefined);
    if (files && signatureOf(files) !== this.sourceSignature) await this.rebuild();
  }

  /** Builds now, or right after the build that is running (never two at once). */
  async rebuild(): Promise<void> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = this.build().finally(() => {
      this.building = undefined;
    });
    await this.building;
    if (this.again) {
      this.again = false;
      await this.rebuild();
    }
  }

  /** How one briefing of the last build reads after cleaning (`digest inspect`), by its name. */
  inspect(name: string): InspectedBriefing | undefined {
    const file = this.files.find((candidate) => candidate.name === name);
    return (
      file &&
      inspectBriefing(file, { timeZone: this.settings.timeZone, maxBytes: this.settings.maxBriefingBytes })
    );
  }

  /** The raw text of one briefing of the last build, from the source folder (never from elsewhere). */
  async briefingSource(name: string): Promise<BriefingFile> {
    if (this.settings.source.startsWith('s3://'))
      throw new DigestError('briefing sources are shown for folders only');
    return readBriefingFile(this.settings.source, name, {
      inBuild: (candidate) => this.files.some((file) => file.name === candidate),
      maxBytes: this.settings.maxBriefingBytes,
    });
  }

  private async build(): Promise<void> {
    const started = performance.now();
    const version = this.state.version + 1;
    try {
      const templates = compileTemplates(await loadTemplates(this.settings.templates));
      // The picker lists every week from the listing; only the shown week's files are read.
      const source = await sourceFor(this.settings);
      const read: SourceFile[] = [];
      const recording: BriefingSource = {
        list: async () => {
          const listed = await source.list();
          this.sourceSignature = signatureOf(listed);
          return listed;
        },
        read: async function* (files) {
          for await (const file of source.read(files)) {
            read.push(file);
            yield file;
          }
        },
      };
      const period: PeriodRequest =
        this.state.week === 'latest' ? { kind: 'latest' } : { kind: 'week', week: this.state.week };
      const result = await buildFromSettings(this.settings, templates, recording, period);
      this.files = read;
      this.html = result.output?.html ?? null;
      this.issue = result.output ? issueOf(result, result.output) : null;
      this.state = {
        ...this.state,
        weeks: isoWeeks(result.dates, this.settings.timeZone),
        manifest: result.manifest,
        issueFilePath: result.issueFile?.path ?? null,
        issueFileVersion: result.issueFile
          ? issueFileVersion(result.issueFile.path, result.issueFile.text)
          : null,
        steering: result.issueFile ? shownIssueOf(result.manifest, result.issueFile.path) : null,
        text: result.output?.text ?? null,
        checks: result.output
          ? digestChecks({
              html: result.output.html,
              manifest: result.manifest,
              mjmlWarnings: result.output.warnings,
            })
          : [],
        error: null,
      };
      this.reports.schedule(version, this.reportInput(result.manifest.subject));
    } catch (error) {
      // The preview keeps running whatever happens: the page shows the problem until it is fixed.
      this.state = {
        ...this.state,
        error: {
          message:
            error instanceof DigestError ? error.message : `unexpected error: ${(error as Error).message}`,
          file: error instanceof TemplateError ? error.template : null,
          line: error instanceof TemplateError ? (error.line ?? null) : null,
        },
      };
    }
    this.state = {
      ...this.state,
      version,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
    };
    this.onChange(this.state);
  }

  /** The last good build's HTML and its sample message (the `digest.eml` of `digest build`), made when needed. */
  private reportInput(subject: string): ReportInput | null {
    const { html, issue, settings } = this;
    if (!html || !issue) return null;
    return {
      html,
      contentKey: contentKey(html, this.state.text ?? '', subject),
      message: async () => {
        const makeMessage = await createMessageFactory(issue, messageContext(settings));
        return (await makeMessage(settings.sampleRecipient)).raw;
      },
    };
  }
}

/** What changes when any source file is added, removed or saved. */
function signatureOf(files: ListedFile[]): string {
  return files.map((file) => `${file.name}:${file.size}:${file.modified?.getTime()}`).join('|');
}

function isoWeeks(dates: Date[], timeZone: string): string[] {
  const weeks = new Set(
    dates.map((date) => {
      const day = DateTime.fromJSDate(date, { zone: timeZone });
      return `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`;
    }),
  );
  return [...weeks].sort().reverse();
}
