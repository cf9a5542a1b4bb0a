import type { BuildSettings } from '../../src/core/render/build.js';

/** A build of 2026-W47 (made the Monday after), for tests that build in-process. */
export const WEEK_47_SETTINGS: BuildSettings = {
  period: { kind: 'week', week: '2026-W47' },
  now: new Date('2026-11-23T08:00:00Z'),
  timeZone: 'UTC',
  maxBytes: 64 * 1024,
  publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' },
  unsubscribeUrl: 'https://metals.example/unsubscribe',
  archiveUrl: 'https://metals.example/archive/{issueId}',
};
