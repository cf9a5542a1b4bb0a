import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { environmentWarnings, envName, periodRequest, resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';

function configFile(content: unknown): string {
  const path = join(temporaryFolder(), 'digest.config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('resolveSettings', () => {
  it('derives environment names from setting names', () => {
    expect(envName('timeZone')).toBe('DIGEST_TIME_ZONE');
    expect(envName('s3Endpoint')).toBe('DIGEST_S3_ENDPOINT');
  });

  it('takes flags over environment over config file over defaults', () => {
    const config = configFile({ out: 'from-file', timeZone: 'Europe/Berlin', newsletterName: 'File Name' });
    const settings = resolveSettings(
      { out: 'from-flag' },
      { DIGEST_OUT: 'from-env', DIGEST_TIME_ZONE: 'Asia/Tokyo' },
      config,
    );
    expect(settings).toMatchObject({
      out: 'from-flag',
      timeZone: 'Asia/Tokyo',
      newsletterName: 'File Name',
      source: 'briefings',
    });
  });

  it('lets a period flag replace a period from the environment', () => {
    const settings = resolveSettings({ all: true }, { DIGEST_WEEK: '2026-W47' });
    expect(periodRequest(settings)).toEqual({ kind: 'all' });
  });

  it('takes plain-http links only for this machine, to try the public site with digest serve', () => {
    expect(
      resolveSettings({}, { DIGEST_UNSUBSCRIBE_URL: 'http://127.0.0.1:3001/unsubscribe' }).unsubscribeUrl,
    ).toBe('http://127.0.0.1:3001/unsubscribe');
    expect(() => resolveSettings({}, { DIGEST_ARCHIVE_URL: 'http://127.0.0.1.evil.example/x' })).toThrow(
      ConfigError,
    );
  });

  it('refuses two kinds of period given together', () => {
    expect(() => periodRequest(resolveSettings({ all: true, week: '2026-W47' }, {}))).toThrow(UsageError);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, {}, /--time-zone must be an IANA time zone/, UsageError],
    [
      {},
      { DIGEST_UNSUBSCRIBE_URL: 'http://insecure.example' },
      /^DIGEST_UNSUBSCRIBE_URL=http:\/\/insecure\.example: must be an https:\/\/ URL \(http:\/\/ only for 127\.0\.0\.1 or localhost\)$/,
      ConfigError,
    ],
    [
      {},
      { DIGEST_WEEK: 'bogus' },
      /^DIGEST_WEEK=bogus: must be an ISO week such as 2026-W47, or "latest"$/,
      ConfigError,
    ],
    [
      { concurrency: 'NaN' },
      {},
      /^--concurrency must be a whole number from 1 to 256 \(got "NaN"\)$/,
      UsageError,
    ],
    [
      { concurrency: '0' },
      {},
      /^--concurrency must be a whole number from 1 to 256 \(got "0"\)$/,
      UsageError,
    ],
  ])('explains a bad value and where it came from', (flags, env, message, type) => {
    expect(() => resolveSettings(flags, env)).toThrow(type);
    expect(() => resolveSettings(flags, env)).toThrow(message);
  });

  it('names an unknown key in the config file, with the setting it was probably meant to be', () => {
    expect(() => resolveSettings({}, {}, configFile({ timezone: 'UTC' }))).toThrow(
      /unknown setting "timezone": did you mean "timeZone"\?/,
    );
  });

  it('names a value from the config file as such', () => {
    expect(() => resolveSettings({}, {}, configFile({ port: 70000 }))).toThrow(
      /"port" in .*\.json must be a whole number from 0 to 65535 \(got 70000\)$/,
    );
  });

  it('warns about an environment variable that looks like a setting but is none', () => {
    expect(
      environmentWarnings({
        DIGEST_TIMEZONE: 'UTC',
        DIGEST_DEBUG: '1',
        DIGEST_TIME_ZONE: 'UTC',
        PATH: '/bin',
      }),
    ).toEqual(['warning: DIGEST_TIMEZONE is not a setting and is ignored: did you mean DIGEST_TIME_ZONE?']);
  });

  it('reports a config file that is not JSON', () => {
    expect(() => resolveSettings({}, {}, configFile('{ nope'))).toThrow(ConfigError);
  });

  it('reports a missing --config file as a usage error', () => {
    expect(() => resolveSettings({}, {}, '/nonexistent/digest.config.json')).toThrow(UsageError);
  });
});
