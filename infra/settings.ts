import * as z from 'zod';
import { type ApprovalPolicy, approvalPolicy } from '../src/core/delivery/approval.js';

/**
 * Deployment settings, from CDK context (`cdk.json` or `-c key=value`), validated before anything
 * is built so a mistake is one clear line, not a failed CloudFormation stack.
 */
/** Lambda keeps at least 100 of an account's concurrency unreserved; the default limit is 1,000. */
const MAX_RESERVED = 900;
/** A week: the next issue is built by then. */
const MAX_WINDOW_HOURS = 168;
const MAX_WINDOW_MESSAGE = `approvalWindowHours must be a whole number of hours from 0 to ${MAX_WINDOW_HOURS}`;
const EDITORS_MESSAGE =
  'editorEmails must be a list of email addresses, such as editor@example.com,desk@example.com';

const schema = z.object({
  senderEmail: z.email({ error: 'senderEmail must be an address such as digest@news.example.com' }),
  senderDomain: z
    .string()
    .regex(
      /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
      'senderDomain must be a domain such as news.example.com',
    ),
  newsletterName: z.string().min(1).default('The Weekly Briefing'),
  schedule: z
    .string()
    .regex(
      /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/,
      'schedule must be a six-field EventBridge cron expression such as cron(0 8 ? * MON *)',
    )
    .default('cron(0 8 ? * MON *)'),
  timeZone: z
    .string()
    .default('UTC')
    .refine(
      (zone) => zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone),
      'timeZone must be an IANA time zone such as Europe/Berlin',
    ),
  postalAddress: z
    .string()
    .min(10, 'postalAddress must be the sender’s postal address (anti-spam laws require it in every email)'),
  sendRatePerSecond: z.coerce
    .number()
    .positive('sendRatePerSecond must be the SES account’s maximum send rate, e.g. 14')
    .max(10_000)
    .default(1),
  alarmEmail: z.email().optional(),
  /**
   * `required`: every issue is built as a draft and goes out only once someone approves it;
   * `auto`: it goes out at once, or, with `approvalWindowHours`, when the window ends unless
   * someone holds it. Editors get a `[Draft]` copy with an approve link whenever the issue waits
   * (`required`, or `auto` with a window); with `auto` and no window nobody waits and none is sent.
   */
  approval: z.enum(['required', 'auto'], { error: 'approval must be required or auto' }).default('auto'),
  approvalWindowHours: z.coerce
    .number({ error: MAX_WINDOW_MESSAGE })
    .int(MAX_WINDOW_MESSAGE)
    .min(0, MAX_WINDOW_MESSAGE)
    .max(MAX_WINDOW_HOURS, MAX_WINDOW_MESSAGE)
    .default(0),
  /** Who gets the `[Draft]` copies: a list in cdk.json, or comma-separated on the command line. */
  editorEmails: z
    .unknown()
    .default([])
    .transform((value, context) => {
      const list = typeof value === 'string' ? value.split(',') : value;
      if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
        context.addIssue({ code: 'custom', message: EDITORS_MESSAGE });
        return z.NEVER;
      }
      const addresses = list.map((item) => item.trim()).filter(Boolean);
      const wrong = addresses.find((address) => !z.email().safeParse(address).success);
      if (wrong !== undefined) {
        context.addIssue({ code: 'custom', message: `${EDITORS_MESSAGE} ("${wrong}" is not one)` });
        return z.NEVER;
      }
      return addresses;
    }),
  /**
   * The address readers reach the public site at, when it is not the Function URL itself (a
   * CloudFront distribution with a domain of your own): links in confirmation messages, the
   * archive and the feed start with it.
   */
  siteUrl: z.url({ protocol: /^https$/, error: 'siteUrl must be an https:// address' }).optional(),
  /**
   * Concurrent executions reserved for (and capped at) the public unsubscribe function, so that a
   * flood of requests to its URL cannot take the concurrency that sending and feedback need.
   * `none` reserves nothing (for accounts whose concurrency limit is too low to reserve any).
   */
  unsubscribeReservedConcurrency: z
    .unknown()
    .default(10)
    .transform((value, context) => {
      if (value === 'none') return undefined;
      const count = Number(value);
      if (Number.isInteger(count) && count >= 1 && count <= MAX_RESERVED) return count;
      context.addIssue({
        code: 'custom',
        message: `unsubscribeReservedConcurrency must be a whole number from 1 to ${MAX_RESERVED}, or none`,
      });
      return z.NEVER;
    }),
});

export type DeploySettings = z.infer<typeof schema>;

export function readDeploySettings(context: (key: string) => unknown): DeploySettings {
  const keys = Object.keys(schema.shape) as (keyof DeploySettings)[];
  const raw = Object.fromEntries(
    keys.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const domain = parsed.data.senderDomain.toLowerCase();
    if (!parsed.data.senderEmail.toLowerCase().endsWith(`@${domain}`)) {
      throw new Error(
        `senderEmail ${parsed.data.senderEmail} must be an address at senderDomain ${domain} (SES signs mail for that domain)`,
      );
    }
    const { approval, approvalWindowHours, editorEmails } = parsed.data;
    if (approval === 'required' && approvalWindowHours > 0)
      throw new Error(
        'Deployment setting approvalWindowHours applies only with approval auto (with approval required nothing goes out until someone approves): set approvalWindowHours=0 or approval=auto',
      );
    if ((approval === 'required' || approvalWindowHours > 0) && editorEmails.length === 0)
      throw new Error(
        'Deployment setting editorEmails is required when approval is required or approvalWindowHours is above 0 (the editors get the draft and its approve link): pass it with -c editorEmails=editor@example.com or put it in cdk.json "context" (see README "Approval")',
      );
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? 'context');
  const message =
    issue?.code === 'invalid_type' && raw[key] === undefined
      ? `${key} is required`
      : (issue?.message ?? 'is not valid');
  throw new Error(
    `Deployment setting ${message}: pass it with -c ${key}=… or put it in cdk.json "context" (see README "Deploy")`,
  );
}

// Domains that can never receive DNS records of yours (RFC 2606, RFC 6761).
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

/**
 * Why the stack cannot deliver mail as configured, when the sender is still the shipped
 * placeholder (`news.example.com`), else undefined.
 */
export function placeholderSender(settings: DeploySettings): string | undefined {
  if (!RESERVED_DOMAIN.test(settings.senderDomain)) return undefined;
  return `senderDomain ${settings.senderDomain} is a placeholder: this stack cannot deliver mail until senderDomain and senderEmail name a domain you control (cdk.json or -c senderDomain=… -c senderEmail=…)`;
}

/**
 * The From header's mailbox: the newsletter's name as the display name, quoted (RFC 5322) when
 * it holds characters that would otherwise change the header's meaning (`Metals: The Weekly`
 * would read as a group, `(EU)` as a comment).
 *
 * @example
 * senderMailbox({ newsletterName: 'Metals: The Weekly (EU)', senderEmail: 'digest@news.example.com' })
 * // '"Metals: The Weekly (EU)" <digest@news.example.com>'
 */
export function senderMailbox(settings: Pick<DeploySettings, 'newsletterName' | 'senderEmail'>): string {
  const name = settings.newsletterName.replace(/[\r\n]+/g, ' ').trim();
  const plain = /^[\p{L}\p{N}!#$%&'*+\-/=?^_`{|}~ ]+$/u.test(name);
  const display = plain ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
  return `${display} <${settings.senderEmail}>`;
}

/**
 * Whether issues wait for approval under these settings (`none`: sent as soon as built).
 *
 * @example
 * deployedApproval({ approval: 'auto', approvalWindowHours: 4 }) // { kind: 'window', hours: 4 }
 */
export function deployedApproval(
  settings: Pick<DeploySettings, 'approval' | 'approvalWindowHours'>,
): ApprovalPolicy {
  return approvalPolicy(settings.approval, settings.approvalWindowHours);
}
