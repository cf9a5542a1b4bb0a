import type { LambdaClient } from '@aws-sdk/client-lambda';
import { DigestError } from '../core/errors.js';
import { awsHint } from './aws-errors.js';
import { awsRegion } from './aws-region.js';

// Loaded on first use: only an approval needs it, and in the site's bundle it is the runtime's
// own copy (left out of the bundle to keep it small).
let lambdaModule: Promise<typeof import('@aws-sdk/client-lambda')> | undefined;
const lambda = () => {
  lambdaModule ??= import('@aws-sdk/client-lambda');
  return lambdaModule;
};

/**
 * Starts the send of an approved issue: invokes the build function asynchronously with
 * `{ "approve": issueId }` (Lambda queues the event, answers 202 and retries a failed run twice).
 * `AWS_ENDPOINT_URL_LAMBDA` points it at a local stand-in.
 *
 * @example
 * const start = approvedSendStarter('WeeklyDigest-build-digest');
 * await start('2026-W47');
 */
export function approvedSendStarter(
  functionName: string,
  client?: LambdaClient,
): (issueId: string) => Promise<void> {
  let made: LambdaClient | undefined = client;
  return async (issueId) => {
    const { InvokeCommand, LambdaClient } = await lambda();
    made ??= new LambdaClient({ region: awsRegion() });
    let status: number | undefined;
    try {
      ({ StatusCode: status } = await made.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ approve: issueId })),
        }),
      ));
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const hint =
        name === 'ResourceNotFoundException'
          ? `there is no function ${functionName}: check the name and the region (the stack's BuildFunctionName output)`
          : (awsHint(error, 'Lambda', 'AWS_ENDPOINT_URL_LAMBDA') ?? `${name}: ${(error as Error).message}`);
      throw new DigestError(`Lambda ${functionName}: ${hint}`, { cause: error });
    }
    if (status !== 202)
      throw new DigestError(`Lambda ${functionName} did not take the request (status ${status}): try again`);
  };
}
