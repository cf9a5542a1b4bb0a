import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { senderMailbox } from '../../infra/settings.js';

describe('the From mailbox the stack gives the functions', () => {
  it.each([
    'The Weekly Briefing',
    'Metals: The Weekly (EU)',
    'Ops; Notes, and more',
    'A "quoted" \\ name',
    'Zoë’s Ünïcode Letter',
    'Brackets <here> @ there',
  ])('reads back as one mailbox with the name %j intact', (newsletterName) => {
    const mailbox = senderMailbox({ newsletterName, senderEmail: 'digest@news.example.com' });
    expect(addressparser(mailbox)).toEqual([{ name: newsletterName, address: 'digest@news.example.com' }]);
  });
});
