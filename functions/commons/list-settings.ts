import * as z from 'zod';
import type { ListIdentity } from '../../src/core/delivery/compose.js';
import { required } from './environment.js';

/** Environment shared by the functions that build or send messages. */
export const listEnvironment = {
  NEWSLETTER_NAME: required(),
  SENDER: required(),
  LIST_ID: required(),
  UNSUBSCRIBE_URL: z.url(),
  UNSUBSCRIBE_MAILTO: z.email(),
  ARCHIVE_URL: required(),
  UNSUBSCRIBE_SECRET_ARN: z.string().optional(),
};

export function identityFrom(env: {
  NEWSLETTER_NAME: string;
  SENDER: string;
  LIST_ID: string;
  UNSUBSCRIBE_URL: string;
  UNSUBSCRIBE_MAILTO: string;
}): ListIdentity {
  return {
    from: env.SENDER,
    listId: env.LIST_ID,
    newsletterName: env.NEWSLETTER_NAME,
    unsubscribeUrl: env.UNSUBSCRIBE_URL,
    unsubscribeMailto: env.UNSUBSCRIBE_MAILTO,
  };
}

/** `https://…/view/{issueId}` → the issue's view-in-browser link. */
export function archiveLink(template: string, issueId: string): string {
  return template.replaceAll('{issueId}', encodeURIComponent(issueId));
}
