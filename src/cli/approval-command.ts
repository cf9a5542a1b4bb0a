import { utcMinute } from '../core/delivery/approval.js';
import { isIssueId } from '../core/delivery/archive.js';
import { DigestError, UsageError } from '../core/errors.js';
import type { Settings } from '../settings/settings.js';
import { approveIssue, holdIssue } from '../workflows/approval.js';
import { approveLocalBuild, holdLocalBuild } from '../workflows/local-approval.js';

/**
 * `digest approve` and `digest hold`: of a deployed issue (`ISSUE --stack NAME`, or
 * `--issues-table`/`--function` for a table of your own), or of a local build (`--digest DIR`).
 * Returns the one line to print; what went wrong is thrown as one line too.
 */
export async function runApproval(
  action: 'approve' | 'hold',
  issueId: string | undefined,
  settings: Settings,
): Promise<string> {
  if (issueId !== undefined && !isIssueId(issueId))
    throw new UsageError(`"${issueId}" is not an issue id: name it as the build does, e.g. 2026-W47`);
  if (!settings.stack && !settings.issuesTable)
    return action === 'approve'
      ? approveLocalBuild(settings.digest, issueId, new Date())
      : holdLocalBuild(settings.digest, issueId, new Date());
  if (issueId === undefined)
    throw new UsageError(`name the issue: digest ${action} ISSUE --stack NAME (the week, e.g. 2026-W47)`);

  const target = await deployedTarget(action, settings);
  const [{ createDocumentClient }, { DynamoIssueStore }] = await Promise.all([
    import('../adapters/dynamodb.js'),
    import('../adapters/issues-dynamodb.js'),
  ]);
  const issues = new DynamoIssueStore(
    createDocumentClient(settings.dynamodbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB),
    target.issuesTable,
  );
  const notFound = () =>
    new DigestError(
      `${target.label} has no issue ${issueId}: check the id (the week it was built for, e.g. 2026-W47)`,
    );
  const now = () => new Date();

  if (action === 'hold') {
    const { outcome, issue } = await holdIssue(issueId, 'command line', { issues, now });
    switch (outcome) {
      case 'held':
        return `Held ${issueId}: it is not sent, by its window or otherwise, until someone approves it (digest approve ${issueId} ${target.flags}).`;
      case 'already-held':
        return `${issueId} was held already${issue?.heldAt ? ` (${utcMinute(issue.heldAt)})` : ''}: it is not sent until someone approves it.`;
      case 'too-late':
        throw new DigestError(
          `${issueId} is ${issue?.status === 'enqueued' ? 'sent' : 'being sent'} already${issue?.sendStartedAt ? ` (queued ${utcMinute(issue.sendStartedAt)})` : ''}: it can no longer be held`,
        );
      case 'unknown':
        throw notFound();
    }
  }

  const { approvedSendStarter } = await import('../adapters/lambda-invoke.js');
  const startSend = approvedSendStarter(target.functionName ?? '');
  const { outcome, issue } = await approveIssue(issueId, 'command line', { issues, startSend, now });
  switch (outcome) {
    case 'approved':
      return `Approved ${issueId}: its send has started (${target.functionName} queues every active subscriber).`;
    case 'approved-after-hold':
      return `Approved ${issueId}, which was held: its send has started (${target.functionName} queues every active subscriber).`;
    case 'already-approved':
      return `${issueId} was approved already${issue?.approvedAt ? ` (${utcMinute(issue.approvedAt)}, ${issue.approvedBy ?? 'unknown'})` : ''}: its send was started again, which queues nobody twice.`;
    case 'already-sent':
      return `${issueId} was sent already${issue?.sendStartedAt ? ` (queued ${utcMinute(issue.sendStartedAt)})` : ''}: nothing to do.`;
    case 'unknown':
      throw notFound();
  }
}

/** Where the deployed issue lives: the stack's outputs, or the table and function given. */
async function deployedTarget(
  action: 'approve' | 'hold',
  settings: Settings,
): Promise<{ issuesTable: string; functionName?: string; label: string; flags: string }> {
  if (settings.stack) {
    const { stackOutputs } = await import('../adapters/stack-outputs.js');
    const outputs = await stackOutputs(settings.stack);
    const issuesTable = outputs.IssuesTable;
    const functionName = outputs.BuildFunctionName;
    if (!issuesTable || (action === 'approve' && !functionName))
      throw new DigestError(
        `stack ${settings.stack} has no ${issuesTable ? 'BuildFunctionName' : 'IssuesTable'} output: deploy this version of the stack (cdk deploy) first`,
      );
    return {
      issuesTable,
      ...(functionName ? { functionName } : {}),
      label: `stack ${settings.stack}`,
      flags: `--stack ${settings.stack}`,
    };
  }
  const issuesTable = settings.issuesTable ?? '';
  if (action === 'approve' && !settings.function)
    throw new UsageError(
      '--issues-table needs --function NAME (the build function, which starts the send), or use --stack NAME',
    );
  return {
    issuesTable,
    ...(settings.function ? { functionName: settings.function } : {}),
    label: `table ${issuesTable}`,
    flags: `--issues-table ${issuesTable}${settings.function ? ` --function ${settings.function}` : ''}`,
  };
}
