import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The two AWS APIs `digest approve --stack` calls that have no local server in this project,
 * stood in for on 127.0.0.1: Lambda's Invoke (answered 202, as for an asynchronous invoke) and
 * CloudFormation's DescribeStacks (the query protocol, answered with the stacks given).
 */
export interface AwsStandIns {
  endpoint: string;
  invocations: { functionName: string; invocationType: string | undefined; payload: unknown }[];
  stacks: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

export async function startAwsStandIns(): Promise<AwsStandIns> {
  const invocations: AwsStandIns['invocations'] = [];
  const stacks = new Map<string, Record<string, string>>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '');
    if (invoke) {
      invocations.push({
        functionName: decodeURIComponent(invoke[1] ?? ''),
        invocationType: request.headers['x-amz-invocation-type'] as string | undefined,
        payload: JSON.parse(body || 'null'),
      });
      response.writeHead(202).end();
      return;
    }
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'DescribeStacks') {
      const name = form.get('StackName') ?? '';
      const outputs = stacks.get(name);
      if (!outputs) {
        response
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
        return;
      }
      const members = Object.entries(outputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
        )
        .join('');
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    stacks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
