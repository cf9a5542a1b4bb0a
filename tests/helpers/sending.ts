import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Issue } from '../../src/core/delivery/deliver.js';
import type { Subscriber, SubscriberStatus } from '../../src/core/delivery/subscriber.js';
import { newPlaceholders } from '../../src/core/render/view.js';
import { temporaryFolder } from './briefings.js';

export const IDENTITY = {
  from: 'Metals Weekly <news@metals.example>',
  listId: 'weekly.metals.example',
  newsletterName: 'Metals Weekly',
  unsubscribeUrl: 'https://metals.example/unsubscribe',
  unsubscribeMailto: 'unsubscribe@metals.example',
};
export const SECRET = 'test-secret-of-enough-length';

/** A small issue: what `digest build` writes, without the weight of a full page. */
const PLACEHOLDERS = newPlaceholders();
export const ISSUE: Issue = {
  issueId: '2026-W47',
  subject: 'Week 47: Copper output slips (+2 more)',
  template: {
    html: `<html><body><p>Copper output slipped.</p><a href="${PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a> <a href="${PLACEHOLDERS.viewInBrowserUrl}">View</a></body></html>`,
    text: `Copper output slipped.\nUnsubscribe: ${PLACEHOLDERS.unsubscribeUrl}\n`,
    placeholders: PLACEHOLDERS,
  },
  viewInBrowserUrl: 'https://metals.example/archive/2026-W47/digest.html',
};

export function subscriber(email: string, status: SubscriberStatus = 'active'): Subscriber {
  return { email, status, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
}

export async function* subscribers(
  count: number,
  status: (index: number) => SubscriberStatus = () => 'active',
): AsyncIterable<Subscriber> {
  for (let index = 0; index < count; index++) yield subscriber(`reader${index}@example.org`, status(index));
}

/** A folder as `digest build` leaves it, with a small message so the tests stay light. */
export function builtDigest(): string {
  const folder = temporaryFolder();
  writeFileSync(
    join(folder, 'digest.json'),
    JSON.stringify({
      issueId: ISSUE.issueId,
      subject: ISSUE.subject,
      preheader: 'Copper output slipped in Chile; tin and zinc held steady.',
      items: [{ id: 'x' }],
      placeholders: ISSUE.template.placeholders,
    }),
  );
  writeFileSync(join(folder, 'digest.html'), '<html><body><p>Copper output slipped.</p></body></html>');
  writeFileSync(join(folder, 'message.html'), ISSUE.template.html);
  writeFileSync(join(folder, 'message.txt'), ISSUE.template.text);
  return folder;
}

/** A CSV subscriber list of `count` active readers, plus any extra lines. */
export function subscriberList(count: number, extra = ''): string {
  const path = join(temporaryFolder(), 'subscribers.csv');
  const rows = Array.from({ length: count }, (_, index) => `reader${index}@example.org,active`);
  writeFileSync(path, `email,status\n${rows.join('\n')}\n${extra}`);
  return path;
}
