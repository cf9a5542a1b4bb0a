import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { folderArchive } from '../adapters/archive-fs.js';
import { MemoryRateLimiter } from '../adapters/rate-limit-memory.js';
import { maskAddress } from '../core/delivery/address.js';
import { ARCHIVE_INDEX } from '../core/delivery/archive.js';
import { DigestError, UsageError } from '../core/errors.js';
import { DEVELOPMENT_SECRET, type Settings } from '../settings/settings.js';
import { openOutbox, openSubscriberStore } from '../settings/stores.js';
import { startSiteServer } from '../site/http-server.js';
import { handleSiteRequest, type SitePorts } from '../site/router.js';
import { confirmationMail } from '../workflows/confirmation-mail.js';
import { unsubscribeAddress } from '../workflows/sign-up.js';

/** `digest serve` listens here unless --port says otherwise (the preview has 3000). */
export const SITE_PORT = 3001;
/** Every sign-up answer takes this long at least (see `signUp`): longer than sending a confirmation. */
export const SIGN_UP_ANSWER_MS = 600;

const THIS_MACHINE = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Links are signed with the unsubscribe secret. Without one, the development secret (which is in
 * this source code) would let anyone forge links: acceptable only on this machine, on a local list.
 */
function requireRealSecret(settings: Settings, err: (text: string) => void): void {
  if (settings.unsubscribeSecret) return;
  if (!THIS_MACHINE.has(settings.host))
    throw new UsageError(
      `serving on ${settings.host} needs an unsubscribe secret, or anyone could forge links: set DIGEST_UNSUBSCRIBE_SECRET (16+ characters)`,
    );
  if (settings.subscribers.startsWith('dynamodb:'))
    throw new UsageError(
      `serving the list ${settings.subscribers} needs its unsubscribe secret, or links would not match the ones it sent: set DIGEST_UNSUBSCRIBE_SECRET`,
    );
  err(
    'digest: links are signed with the development secret: fine on this machine; set DIGEST_UNSUBSCRIBE_SECRET before anyone else can reach the site',
  );
}

/**
 * The list's public site on this machine, against the same stores as `digest send`: sign-ups go
 * to --subscribers, confirmation messages to --outbox (its `confirmations/` folder for files), and
 * links in them start with --base-url. Runs until stopped.
 */
export async function runServe(
  settings: Settings,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
  requireRealSecret(settings, err);
  if (!settings.subscribers.startsWith('dynamodb:') && !existsSync(dirname(resolve(settings.subscribers))))
    throw new UsageError(
      `the folder of --subscribers ${settings.subscribers} does not exist: create it, or point --subscribers at a list`,
    );
  if (!existsSync(join(settings.archive, ARCHIVE_INDEX)))
    out(
      `No past issues in ${settings.archive} yet: the first real "digest send" with --archive ${settings.archive} puts them there.`,
    );
  const store = await openSubscriberStore(settings);
  const { outbox, label } = await openOutbox(settings, 'confirmation');
  const port = settings.port ?? SITE_PORT;
  let baseUrl = settings.baseUrl?.replace(/\/$/, '');
  const log = (message: string, details: Record<string, unknown>) => {
    const who = typeof details.recipient === 'string' ? ` ${details.recipient}` : '';
    const why = typeof details.error === 'string' ? ` (${details.error.split('\n')[0]})` : '';
    out(`${new Date().toISOString()} ${message}${who}${why}`);
  };
  const ports: SitePorts = {
    secret: async () => settings.unsubscribeSecret ?? DEVELOPMENT_SECRET,
    listId: settings.listId,
    newsletterName: settings.newsletterName,
    store,
    limiter: new MemoryRateLimiter(),
    confirmUrl: (token) => `${baseUrl}/confirm?t=${encodeURIComponent(token)}`,
    sendConfirmation: confirmationMail(outbox, {
      from: settings.from,
      ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
      newsletterName: settings.newsletterName,
    }),
    now: () => new Date(),
    log,
    minimumAnswerMs: SIGN_UP_ANSWER_MS,
    unsubscribe: async (email) => {
      const done = await unsubscribeAddress(email, { store, now: () => new Date() });
      log(
        done ? 'Unsubscribed' : 'Unsubscribe of an address not on the list, or suppressed: nothing changed',
        {
          recipient: maskAddress(email),
        },
      );
    },
    get siteUrl() {
      return baseUrl ?? '';
    },
    timeZone: settings.timeZone,
    archive: folderArchive(settings.archive, {
      onIndexProblem: (problem) => {
        if (problem.reason !== 'missing') err(`digest: ${problem.message}`);
      },
    }),
  };
  const server = await startSiteServer((request) => handleSiteRequest(request, ports), {
    host: settings.host,
    port,
    onError: (error) => err(`digest: a request failed: ${(error as Error).message}`),
  }).catch(async (error: NodeJS.ErrnoException) => {
    await store.close();
    if (error.code === 'EADDRINUSE')
      throw new DigestError(`port ${port} is in use: pick another with --port`);
    throw error;
  });
  baseUrl ??= server.url;
  out(
    [
      `The list's public site at ${server.url} (Ctrl-C to stop); links in messages start with ${baseUrl}.`,
      `  sign up        ${server.url}/subscribe`,
      `  past issues    ${server.url}/archive/`,
      `  Atom feed      ${server.url}/feed.xml`,
      `  subscribers in ${settings.subscribers}; confirmation messages to ${label}; past issues from ${settings.archive}`,
    ].join('\n'),
  );
  return {
    url: server.url,
    stop: async () => {
      await server.close();
      await store.close();
      await outbox.close?.();
    },
  };
}
