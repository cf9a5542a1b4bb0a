import { type Command, Option } from 'commander';

/**
 * What each command is and which options it takes. Only commander is loaded here: `digest --help`
 * and option parsing never load MJML, the AWS SDK or anything a command needs to do its work;
 * `main.ts` imports a command's module when it runs.
 */

export function describeBuild(program: Command): Command {
  return program
    .command('build')
    .summary('build the digest from a folder or S3 prefix of briefings')
    .description(
      'Builds the digest of a period from briefings in a folder or an S3 prefix and writes digest.html, ' +
        'digest.txt, digest.json, a sample message digest.eml, and message.html/message.txt for `digest send`, to --out.',
    )
    .option('--source <dir|s3://bucket/prefix>', 'where the briefings are (default: briefings)')
    .option('--out <dir>', 'where to write the digest (default: out)')
    .option('--week <YYYY-Www|latest>', 'an ISO week, or the newest week that has briefings')
    .option('--since <YYYY-MM-DD>', 'first day of the period')
    .option('--until <YYYY-MM-DD>', 'last day of the period (default: today)')
    .option('--all', 'every briefing, whatever its date')
    .option('--now <ISO date>', 'the current time, for the default period (7 days ending now)')
    .option('--templates <dir>', 'templates that replace the bundled ones, file by file')
    .option('--time-zone <zone>', 'IANA time zone for weeks and dates (default: UTC)')
    .option('--s3-endpoint <url>', 'a local S3 endpoint (or set AWS_ENDPOINT_URL_S3)')
    .option('--max-briefing-bytes <n>', 'skip briefings larger than this (default: 2097152)')
    .option('--date-slack <days>', 'read files whose listed date is this close to the period (default: 3)')
    .option(
      '--max-items <n>',
      'stories shown in full; the rest are title links (default: 12; the issue file may change it)',
    )
    .addOption(
      new Option(
        '--approval <mode>',
        'required: a draft that digest send refuses until digest approve',
      ).choices(['required', 'auto']),
    )
    .option('--verbose', 'list every file outside the period, not just how many');
}

export function describeInspect(program: Command): Command {
  return program
    .command('inspect')
    .summary('show how briefings read after cleaning, and what was repaired')
    .description(
      'Reads briefing files or folders the way a build does, with no period filter, and shows for each one its title, ' +
        'date, source, highlights, body paragraphs and note, and what cleaning repaired (mojibake, HTML, residue).',
    )
    .argument('<path...>', 'briefing files or folders of briefings')
    .option('--json', 'print one JSON array instead of text')
    .option('--time-zone <zone>', 'IANA time zone for dates (default: UTC)')
    .option('--max-briefing-bytes <n>', 'skip briefings larger than this (default: 2097152)');
}

export function describeSend(program: Command): Command {
  return program
    .command('send')
    .summary('send a built digest to every active subscriber, exactly once')
    .description(
      'Sends the digest built in --digest to every active subscriber through the file outbox or SES. ' +
        'A ledger records every recipient per destination (the file outbox folder, or SES with its region and ' +
        'configuration set), so a re-run sends only to who has not had it there, and a rehearsal into files ' +
        'never blocks the real send. A message whose answer from SES was lost is reported unconfirmed, never sent twice.',
    )
    .option('--digest <dir>', 'the folder `digest build` wrote (default: out)')
    .option('--subscribers <file|dynamodb://table>', 'the subscriber list (default: subscribers.csv)')
    .option('--outbox <file:dir|ses>', 'where messages go (default: file:<digest>/outbox)')
    .option('--ledger <dir|dynamodb://table>', 'the delivery ledger (default: <digest>/ledger)')
    .option('--rate <n>', 'messages per second (default: the SES account maximum; unlimited for files)')
    .option('--concurrency <n>', 'messages in flight at once (default: 16 for SES, 64 for files)')
    .option('--dry-run', 'count who would get the issue, send nothing')
    .option('--test <address>', 'send one test message to this address; the ledger is left alone')
    .option(
      '--resend-unconfirmed',
      'send again to recipients whose earlier send was cut off or lost its answer',
    )
    .option('--retry-failed', 'send again to recipients whose earlier send failed (not to suppressed ones)')
    .option('--ses-timeout <seconds>', 'how long to wait for SES to answer one message (default: 30)')
    .option('--configuration-set <name>', 'SES configuration set for bounce and complaint events')
    .option('--ses-endpoint <url>', 'a local SES endpoint (or set AWS_ENDPOINT_URL_SES)')
    .option('--dynamodb-endpoint <url>', 'a local DynamoDB endpoint (or set AWS_ENDPOINT_URL_DYNAMODB)')
    .option('--summary <file>', 'where to write the JSON summary (default: <digest>/send-summary.json)')
    .option(
      '--archive <dir>',
      'the public archive: the first real send of an issue adds it there (default: archive)',
    );
}

/** `digest approve` and `digest hold`: the same target options, a different verb. */
export function describeApproval(program: Command, action: 'approve' | 'hold'): Command {
  const approve = action === 'approve';
  const command = program
    .command(action)
    .summary(
      approve
        ? 'approve a draft issue, which starts its send (on AWS) or lets digest send send it'
        : 'hold an issue: it is not sent until someone approves it',
    )
    .description(
      approve
        ? 'Approves a draft. On AWS (ISSUE --stack NAME) it records the approval in the stack’s Issues table and starts ' +
            'the send; an issue that was held is approved and says so. Locally (--digest DIR) it writes approval.json ' +
            'beside the manifest of a build made with approval required, so that digest send sends it.'
        : 'Holds an issue. On AWS (ISSUE --stack NAME) a draft, or an approved issue not yet queued, is never sent by its ' +
            'approval window; only digest approve sends it. Locally (--digest DIR) digest send refuses the build until ' +
            'digest approve.',
    )
    .argument('[issue]', 'the issue id, e.g. 2026-W47 (required with --stack or --issues-table)')
    .option('--digest <dir>', 'a local build (default: out)')
    .option('--stack <name>', 'the deployed stack, whose outputs name its Issues table and build function')
    .option('--issues-table <table>', 'the Issues table, instead of --stack');
  if (approve)
    command.option('--function <name>', 'the build function that starts the send, with --issues-table');
  return command.option(
    '--dynamodb-endpoint <url>',
    'a local DynamoDB endpoint (or set AWS_ENDPOINT_URL_DYNAMODB)',
  );
}

export function describePreview(program: Command): Command {
  return program
    .command('preview')
    .summary('preview the coming digest in the browser, live as briefings and templates change')
    .description(
      'Serves a live preview of the digest on 127.0.0.1: desktop, mobile, any-width and dark views, plain text, HTML ' +
        'source, the manifest, checks, email-client compatibility (caniemail), a SpamAssassin score, copy/download of ' +
        'HTML and text, skipped files and a "send test" button. Saving a briefing or template updates the page.',
    )
    .option('--source <dir|s3://bucket/prefix>', 'where the briefings are (default: briefings); S3 is polled')
    .option('--week <YYYY-Www|latest>', 'the week to show first (default: latest)')
    .option('--templates <dir>', 'templates that replace the bundled ones, file by file')
    .option('--port <n>', 'port to listen on (default: 3000; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default: 127.0.0.1, this machine only)')
    .option('--open', 'open the preview in the default browser')
    .option('--poll <seconds>', 'how often to look for changes in S3 (default: 5)')
    .option('--outbox <file:dir|ses>', 'where "send test" delivers (default: file:<digest>/outbox)')
    .option('--max-items <n>', 'stories shown in full (default: 12; the issue file may change it)')
    .option('--time-zone <zone>', 'IANA time zone for weeks and dates (default: UTC)');
}

export function describeServe(program: Command): Command {
  return program
    .command('serve')
    .summary("serve the list's public site: sign-up, confirmation, unsubscribe, archive and feed")
    .description(
      "Serves the list's public site on 127.0.0.1 against the same stores as `digest send`: a sign-up form with " +
        'double opt-in (confirmation messages go through --outbox), the unsubscribe page and RFC 8058 one-click, ' +
        'past issues and an Atom feed. Links in its messages start with --base-url.',
    )
    .option('--port <n>', 'port to listen on (default: 3001; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default: 127.0.0.1, this machine only)')
    .option('--subscribers <file|dynamodb://table>', 'the subscriber list (default: subscribers.csv)')
    .option(
      '--outbox <file:dir|ses>',
      'where confirmation messages go (default: file:<digest>/outbox, in confirmations/)',
    )
    .option(
      '--base-url <url>',
      'the address people reach the site at, for links in messages (default: the local URL)',
    )
    .option('--digest <dir>', 'the folder `digest build` wrote, for the default outbox (default: out)')
    .option('--configuration-set <name>', 'SES configuration set for bounce and complaint events')
    .option('--ses-endpoint <url>', 'a local SES endpoint (or set AWS_ENDPOINT_URL_SES)')
    .option('--dynamodb-endpoint <url>', 'a local DynamoDB endpoint (or set AWS_ENDPOINT_URL_DYNAMODB)')
    .option(
      '--archive <dir>',
      'the archive `digest send` keeps, for past issues and the feed (default: archive)',
    )
    .option('--time-zone <zone>', 'IANA time zone for the dates of past issues (default: UTC)');
}

/** The subcommands of `digest subscribers`, by name: `subscribers-command.ts` does their work. */
export const SUBSCRIBERS_COMMANDS = [
  'import',
  'add',
  'list',
  'export',
  'unsubscribe',
  'forget',
  'count',
  'purge-pending',
] as const;
export type SubscribersCommandName = (typeof SUBSCRIBERS_COMMANDS)[number];

/** As in `SUBSCRIBER_STATUSES` (src/core/delivery/subscriber.ts; a test keeps them the same). */
export const STATUS_CHOICES = ['active', 'pending', 'unsubscribed', 'bounced', 'complained', 'forgotten'];

export function describeSubscribers(program: Command): Record<SubscribersCommandName, Command> {
  const group = program
    .command('subscribers')
    .summary('manage the subscriber list (a CSV file or a DynamoDB table)')
    .description(
      'Manage the subscriber list. The store is a CSV file or dynamodb://TABLE, from --subscribers (default: subscribers.csv).',
    );
  const onStore = (command: Command) =>
    command
      .addOption(
        new Option(
          '--subscribers <file|dynamodb://table>',
          'the subscriber store (default: subscribers.csv)',
        ),
      )
      .addOption(new Option('--dynamodb-endpoint <url>', 'a local DynamoDB endpoint'));
  const status = () => new Option('--status <status>', 'only this status').choices(STATUS_CHOICES);
  return {
    import: onStore(
      group
        .command('import')
        .description(
          'add the addresses of a CSV file (an "email" column; "name" and "status" optional); never re-activates an unsubscribed, bounced, complained or forgotten address',
        )
        .argument('<file.csv>'),
    ),
    add: onStore(
      group
        .command('add')
        .description('add one subscriber (an address that unsubscribed or was forgotten stays off the list)')
        .argument('<email>')
        .option('--name <name>', 'the subscriber’s name'),
    ),
    list: onStore(group.command('list').description('print subscribers as CSV').addOption(status())),
    export: onStore(
      group
        .command('export')
        .description(
          'write every subscriber as CSV (email,status,name,created_at,updated_at), formula-safe, to stdout or --out',
        )
        .addOption(status())
        .option('--out <file>', 'write to this file (mode 0600) instead of stdout'),
    ),
    unsubscribe: onStore(
      group.command('unsubscribe').description('mark one subscriber as unsubscribed').argument('<email>'),
    ),
    forget: onStore(
      group
        .command('forget')
        .description(
          'erase one address: its row goes, and only a hash of the address is kept, so it is never mailed or added again',
        )
        .argument('<email>'),
    ),
    count: onStore(
      group
        .command('count')
        .description('count subscribers by status, expired sign-ups and forgotten addresses'),
    ),
    'purge-pending': onStore(
      group
        .command('purge-pending')
        .description(
          'delete the sign-ups whose confirmation expired (never one of an address that was on the list before)',
        ),
    ),
  };
}
