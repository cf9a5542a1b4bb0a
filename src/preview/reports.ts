import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompatibilityReport, loadCompatibilityCheck } from './compatibility.js';
import { type SpamReport, scoreWithSpamAssassin } from './spamassassin.js';

export type CompatibilityState =
  | { status: 'pending' }
  | { status: 'done'; report: CompatibilityReport }
  | { status: 'unavailable'; reason: string };

export type SpamState = { status: 'pending' } | SpamReport;

/** The slow checks of one build; both null when the build made no digest. */
export interface BuildReports {
  version: number;
  compatibility: CompatibilityState | null;
  spam: SpamState | null;
}

/** What the reports are made from: the digest's HTML, and the sample message, made on demand. */
export interface ReportInput {
  html: string;
  /** Changes whenever the message could score differently (HTML, text, subject). */
  contentKey: string;
  message: () => Promise<Uint8Array>;
}

const CACHED_BUILDS = 8;

/**
 * Runs the checks too slow for the request path after a build: the caniemail compatibility
 * check (tens of milliseconds of CPU) and SpamAssassin (about a second, in a child process). They
 * start once a build has stayed the current one for `delayMs` (so a burst of saves costs one
 * run), a newer build stops a run in progress, and results are kept by content, so a build that
 * changes nothing the checks see (or a week shown again) answers at once. Requests only read
 * `current`.
 */
export class BuildReportsRunner {
  current: BuildReports = { version: 0, compatibility: null, spam: null };
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;
  private readonly compatibilityCache = new Map<string, CompatibilityState>();
  private readonly spamCache = new Map<string, SpamReport>();
  private home: string | undefined;
  private compatibilityCheck: ReturnType<typeof loadCompatibilityCheck> | undefined;
  private readonly checkCompatibility: (html: string) => Promise<CompatibilityState>;
  private readonly scoreSpam: (message: Uint8Array, signal: AbortSignal) => Promise<SpamReport>;

  constructor(
    private readonly options: {
      onReport: (reports: BuildReports) => void;
      delayMs?: number;
      /** The PATH SpamAssassin is looked up in (default: this process's). */
      spamPath?: string;
      spamTimeoutMs?: number;
      /** Stand-ins for the two checks (tests); by default caniemail and the `spamassassin` command. */
      checkCompatibility?: (html: string) => Promise<CompatibilityState>;
      scoreSpam?: (message: Uint8Array, signal: AbortSignal) => Promise<SpamReport>;
    },
  ) {
    this.checkCompatibility = options.checkCompatibility ?? ((html) => this.compatibilityWithCaniemail(html));
    this.scoreSpam = options.scoreSpam ?? ((message, signal) => this.spamAssassin(message, signal));
  }

  /** The build `version` is now shown: drop work for older builds and plan this one's. */
  schedule(version: number, input: ReportInput | null): void {
    clearTimeout(this.timer);
    this.running?.abort();
    this.running = undefined;
    if (!input) {
      this.current = { version, compatibility: null, spam: null };
      return;
    }
    const htmlKey = hash(input.html);
    const compatibility = this.compatibilityCache.get(htmlKey);
    const spam = this.spamCache.get(input.contentKey);
    this.current = {
      version,
      compatibility: compatibility ?? { status: 'pending' },
      spam: spam ?? { status: 'pending' },
    };
    if (compatibility && spam) return;
    const controller = new AbortController();
    this.running = controller;
    this.timer = setTimeout(() => {
      void this.run(version, input, htmlKey, controller.signal).finally(() => {
        if (this.running === controller) this.running = undefined;
      });
    }, this.options.delayMs ?? 300);
  }

  /** Stops any run and removes SpamAssassin's working folder. */
  stop(): void {
    clearTimeout(this.timer);
    this.running?.abort();
    if (this.home) rmSync(this.home, { recursive: true, force: true });
    this.home = undefined;
  }

  private async run(
    version: number,
    input: ReportInput,
    htmlKey: string,
    signal: AbortSignal,
  ): Promise<void> {
    const stillCurrent = () => !signal.aborted && this.current.version === version;
    if (this.current.compatibility?.status === 'pending') {
      const state = await this.checkCompatibility(input.html);
      if (!stillCurrent()) return;
      remember(this.compatibilityCache, htmlKey, state);
      this.publish({ ...this.current, compatibility: state });
    }
    if (this.current.spam?.status === 'pending' && stillCurrent()) {
      let spam: SpamReport;
      try {
        const message = await input.message();
        if (!stillCurrent()) return;
        spam = await this.scoreSpam(message, signal);
      } catch (error) {
        spam = {
          status: 'failed',
          message: `the sample message could not be made: ${(error as Error).message}`,
        };
      }
      if (!stillCurrent()) return;
      // A run that failed (a timeout on a busy machine) is tried again by the next build.
      if (spam.status !== 'failed') remember(this.spamCache, input.contentKey, spam);
      this.publish({ ...this.current, spam });
    }
  }

  private async compatibilityWithCaniemail(html: string): Promise<CompatibilityState> {
    this.compatibilityCheck ??= loadCompatibilityCheck();
    const loaded = await this.compatibilityCheck;
    return loaded.ok
      ? { status: 'done', report: loaded.check(html) }
      : { status: 'unavailable', reason: loaded.reason };
  }

  private spamAssassin(message: Uint8Array, signal: AbortSignal): Promise<SpamReport> {
    this.home ??= mkdtempSync(join(tmpdir(), 'digest-preview-spamassassin-'));
    return scoreWithSpamAssassin(message, {
      home: this.home,
      signal,
      ...(this.options.spamPath !== undefined ? { path: this.options.spamPath } : {}),
      ...(this.options.spamTimeoutMs !== undefined ? { timeoutMs: this.options.spamTimeoutMs } : {}),
    });
  }

  private publish(reports: BuildReports): void {
    this.current = reports;
    this.options.onReport(reports);
  }
}

/** A key for content: the checks see only what it hashes. */
export function contentKey(...parts: string[]): string {
  return hash(parts.join('\u0000'));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  cache.delete(key);
  cache.set(key, value);
  for (const oldest of cache.keys()) {
    if (cache.size <= CACHED_BUILDS) break;
    cache.delete(oldest);
  }
}
