import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import * as z from 'zod';
import type { ListIdentity } from '../core/delivery/compose.js';
import { closestName } from '../core/did-you-mean.js';
import type { PeriodRequest } from '../core/digest/period.js';
import { DEFAULT_DATE_SLACK_DAYS } from '../core/digest/prefilter.js';
import { DEFAULT_MAX_ITEMS } from '../core/digest/summarize.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { DEFAULT_MAX_BRIEFING_BYTES } from '../core/ingest/briefing.js';

/**
 * Signs unsubscribe links when no secret is configured: good for the sample message and the
 * file outbox, never for real mail (sending through SES requires a configured secret).
 */
export const DEVELOPMENT_SECRET = 'development-secret-not-for-real-mail';

/** The default config file, read from the working directory when present. */
export const DEFAULT_CONFIG_FILE = 'digest.config.json';

const validTimeZone = (zone: string) => DateTime.local().setZone(zone).isValid;
// Links in mail must be https; plain http only for this machine, to try the site with `digest serve`.
const httpsUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
  .refine(
    (url) => url.startsWith('https:') || /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?\//.test(url),
    'must be an https:// URL (http:// only for 127.0.0.1 or localhost)',
  );

/**
 * Every setting, with its default. Each can come from the config file (same key), from the
 * environment (`DIGEST_` + the key in upper snake case) or, for command options, from a flag.
 * Precedence: flag > environment > config file > default.
 */
export const settingsSchema = z.object({
  source: z.string().min(1).default('briefings'),
  out: z.string().min(1).default('out'),
  week: z
    .string()
    .regex(/^(?:\d{4}-W\d{2}|latest)$/)
    .optional(),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  until: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  all: z.boolean().default(false),
  now: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || DateTime.fromISO(value).isValid,
      'must be an ISO date or date-time',
    ),
  templates: z.string().optional(),
  timeZone: z
    .string()
    .default('UTC')
    .refine(validTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  s3Endpoint: z.url().optional(),
  maxBriefingBytes: z.coerce.number().int().positive().default(DEFAULT_MAX_BRIEFING_BYTES),
  dateSlack: z.coerce.number().int().min(0).max(366).default(DEFAULT_DATE_SLACK_DAYS),
  maxItems: z.coerce.number().int().min(1).max(500).default(DEFAULT_MAX_ITEMS),
  newsletterName: z.string().min(1).default('The Weekly Briefing'),
  from: z.string().min(3).default('The Weekly Briefing <digest@example.com>'),
  replyTo: z.string().optional(),
  postalAddress: z
    .string()
    .min(1)
    .default('The Weekly Briefing · 100 Example Street · Springfield, ST 00000'),
  homepageUrl: httpsUrl.optional(),
  unsubscribeUrl: httpsUrl.default('https://example.com/unsubscribe'),
  unsubscribeMailto: z.email().default('unsubscribe@example.com'),
  listId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/i, 'must look like a domain, e.g. weekly.example.com')
    .default('weekly-briefing.example.com'),
  archiveUrl: httpsUrl.default('https://example.com/archive/{issueId}'),
  unsubscribeSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  sampleRecipient: z.email().default('subscriber@example.com'),
  digest: z.string().min(1).default('out'),
  subscribers: z.string().min(1).default('subscribers.csv'),
  outbox: z
    .string()
    .regex(/^(?:file:.+|ses)$/, 'must be file:DIR or ses')
    .optional(),
  ledger: z.string().min(1).optional(),
  rate: z.coerce.number().positive().optional(),
  concurrency: z.coerce.number().int().min(1).max(256).optional(),
  dryRun: z.boolean().default(false),
  test: z.email().optional(),
  resendUnconfirmed: z.boolean().default(false),
  retryFailed: z.boolean().default(false),
  sesTimeout: z.coerce.number().positive().max(600).default(30),
  configurationSet: z.string().min(1).optional(),
  sesEndpoint: z.url().optional(),
  dynamodbEndpoint: z.url().optional(),
  summary: z.string().min(1).optional(),
  archive: z.string().min(1).default('archive'),
  /** `required`: `digest build` makes a draft that `digest send` refuses until `digest approve`. */
  approval: z.enum(['required', 'auto']).default('auto'),
  /** A deployed stack, for `digest approve`/`hold` (its outputs name the Issues table and the build function). */
  stack: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
    .optional(),
  issuesTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/)
    .optional(),
  function: z.string().min(1).max(140).optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  open: z.boolean().default(false),
  poll: z.coerce.number().positive().default(5),
  debug: z.boolean().default(false),
  verbose: z.boolean().default(false),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

const PERIOD_KEYS = ['week', 'since', 'until', 'all'] as const satisfies SettingKey[];
const BOOLEAN_KEYS = new Set<SettingKey>([
  'all',
  'debug',
  'dryRun',
  'resendUnconfirmed',
  'retryFailed',
  'open',
  'verbose',
]);

/** `timeZone` → `DIGEST_TIME_ZONE`. */
export function envName(key: SettingKey): string {
  return `DIGEST_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/**
 * Merges defaults, config file, environment and flags, and validates the result.
 * Period options travel as a group: flags that set a period replace the environment's and the
 * config file's, so `--all` is never combined with a `DIGEST_WEEK` left in the shell.
 */
export function resolveSettings(
  flags: Partial<Record<SettingKey, unknown>>,
  env: NodeJS.ProcessEnv,
  configPath?: string,
): Settings {
  const fromFile = readConfigFile(configPath);
  const fromEnv: Partial<Record<SettingKey, unknown>> = {};
  for (const key of Object.keys(settingsSchema.shape) as SettingKey[]) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '')
      fromEnv[key] = BOOLEAN_KEYS.has(key) ? /^(?:1|true|yes)$/i.test(value) : value;
  }
  const layers = [fromFile, fromEnv, flags];
  const merged: Partial<Record<SettingKey, unknown>> = {};
  for (const layer of layers) {
    const setsPeriod = PERIOD_KEYS.some((key) => layer[key] !== undefined && layer[key] !== false);
    if (setsPeriod) for (const key of PERIOD_KEYS) delete merged[key];
    for (const [key, value] of Object.entries(layer))
      if (value !== undefined) merged[key as SettingKey] = value;
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path[0] ?? '') as SettingKey;
    const requirement = REQUIREMENTS[key] ?? issue?.message ?? 'is not valid';
    const value = JSON.stringify(merged[key]);
    // The error names the value where it was given: a flag, an environment variable or the file.
    if (flags[key] !== undefined) throw new UsageError(`--${kebab(key)} ${requirement} (got ${value})`);
    if (fromEnv[key] !== undefined)
      throw new ConfigError(`${envName(key)}=${env[envName(key)]}: ${requirement}`);
    throw new ConfigError(`"${key}" in ${configPath ?? DEFAULT_CONFIG_FILE} ${requirement} (got ${value})`);
  }
  return parsed.data;
}

/** What a valid value is, in the product's words (the schema's own wording is for programmers). */
const REQUIREMENTS: Partial<Record<SettingKey, string>> = {
  week: 'must be an ISO week such as 2026-W47, or "latest"',
  since: 'must be a date written YYYY-MM-DD',
  until: 'must be a date written YYYY-MM-DD',
  port: 'must be a whole number from 0 to 65535',
  rate: 'must be a number of messages per second above 0',
  concurrency: 'must be a whole number from 1 to 256',
  maxBriefingBytes: 'must be a whole number of bytes above 0',
  dateSlack: 'must be a whole number of days from 0 to 366',
  maxItems: 'must be a whole number of items from 1 to 500',
  poll: 'must be a number of seconds above 0',
  sesTimeout: 'must be a number of seconds above 0, at most 600',
  test: 'must be an email address',
  sampleRecipient: 'must be an email address',
  unsubscribeMailto: 'must be an email address',
  s3Endpoint: 'must be a URL such as http://127.0.0.1:4569',
  sesEndpoint: 'must be a URL such as http://127.0.0.1:8005',
  dynamodbEndpoint: 'must be a URL such as http://127.0.0.1:8000',
  from: 'must be a sender such as "The Weekly Briefing <digest@example.com>"',
  approval: 'must be required or auto',
  stack: 'must be a CloudFormation stack name such as WeeklyDigest',
  issuesTable: 'must be a DynamoDB table name (the stack output IssuesTable)',
};

/**
 * One warning per environment variable that looks like a setting but is none
 * (`DIGEST_TIMEZONE` for `DIGEST_TIME_ZONE`): a misspelt variable is otherwise silently ignored.
 */
export function environmentWarnings(env: NodeJS.ProcessEnv): string[] {
  const known = [
    ...Object.keys(settingsSchema.shape).map((key) => envName(key as SettingKey)),
    'DIGEST_DEBUG',
  ];
  return Object.keys(env)
    .filter((name) => name.startsWith('DIGEST_') && !known.includes(name))
    .map((name) => {
      const guess = closestName(name, known);
      return `warning: ${name} is not a setting and is ignored${guess ? `: did you mean ${guess}?` : ': see the README for the names'}`;
    });
}

function readConfigFile(configPath: string | undefined): Partial<Record<SettingKey, unknown>> {
  const path = configPath ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(path)) {
    if (configPath) throw new UsageError(`config file not found: ${configPath}: check --config`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}): fix the file`, {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${path} must hold a JSON object of settings: see the README`);
  }
  const known = new Set(Object.keys(settingsSchema.shape));
  const unknown = Object.keys(value).filter((key) => !known.has(key) && key !== '$schema');
  if (unknown[0] !== undefined) {
    const guess = closestName(unknown[0], [...known]);
    throw new ConfigError(
      `${path}: unknown setting "${unknown[0]}": ${guess ? `did you mean "${guess}"?` : 'check the spelling against the README'}`,
    );
  }
  return value as Partial<Record<SettingKey, unknown>>;
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Which period the settings ask for; more than one kind is a usage error. */
export function periodRequest(settings: Settings): PeriodRequest {
  const kinds = [
    settings.week !== undefined && '--week',
    (settings.since !== undefined || settings.until !== undefined) && '--since/--until',
    settings.all && '--all',
  ].filter(Boolean);
  if (kinds.length > 1)
    throw new UsageError(`use only one of ${kinds.join(', ')}: they choose the period in different ways`);
  if (settings.week === 'latest') return { kind: 'latest' };
  if (settings.week !== undefined) return { kind: 'week', week: settings.week };
  if (settings.since !== undefined || settings.until !== undefined) {
    return {
      kind: 'range',
      ...(settings.since ? { since: settings.since } : {}),
      ...(settings.until ? { until: settings.until } : {}),
    };
  }
  if (settings.all) return { kind: 'all' };
  return { kind: 'trailing', days: 7 };
}

/** The sender and list headers every message carries. */
export function listIdentity(settings: Settings): ListIdentity {
  return {
    from: settings.from,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    listId: settings.listId,
    newsletterName: settings.newsletterName,
    unsubscribeUrl: settings.unsubscribeUrl,
    unsubscribeMailto: settings.unsubscribeMailto,
  };
}

/**
 * The sender identity and the secret that signs unsubscribe links (the development secret when
 * none is configured; `openOutbox` refuses that for SES).
 */
export function messageContext(settings: Settings): { identity: ListIdentity; unsubscribeSecret: string } {
  return {
    identity: listIdentity(settings),
    unsubscribeSecret: settings.unsubscribeSecret ?? DEVELOPMENT_SECRET,
  };
}
