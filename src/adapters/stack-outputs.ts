import { DigestError } from '../core/errors.js';
import { awsHint } from './aws-errors.js';
import { awsRegion } from './aws-region.js';

/**
 * A deployed stack's outputs (`IssuesTable`, `BuildFunctionName`, …), from CloudFormation's
 * DescribeStacks. `AWS_ENDPOINT_URL_CLOUDFORMATION` points it at a local stand-in.
 *
 * @example
 * const { IssuesTable } = await stackOutputs('WeeklyDigest');
 */
export async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({ region: awsRegion() });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(
      outputs.flatMap((output) =>
        output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
  } catch (error) {
    const message = String((error as Error).message ?? error);
    const hint = /does not exist/.test(message)
      ? `there is no stack ${stackName} in ${awsRegion()}: check --stack and the region (AWS_REGION)`
      : (awsHint(error, 'CloudFormation', 'AWS_ENDPOINT_URL_CLOUDFORMATION') ??
        `${(error as { name?: string }).name ?? 'Error'}: ${message}`);
    throw new DigestError(`CloudFormation: ${hint}`, { cause: error });
  } finally {
    client.destroy();
  }
}
