import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const ROOT = join(import.meta.dirname, '..', '..');

// Parts of MJML and cheerio that rendering never calls (minifier, beautifier, URL fetching,
// charset sniffing, attribute rewriting): replaced by a stub that fails loudly if ever touched,
// which keeps the build function's bundle under 1 MB.
const UNUSED_IN_LAMBDA = [
  'juice',
  'cheerio',
  'htmlnano',
  'cssnano-preset-lite',
  'js-beautify',
  'uglify-js',
  'cosmiconfig',
  'undici',
  'iconv-lite',
  'domutils',
];

// SDK packages the build function loads from the runtime with require() (runtime-sdk/README.md).
const RUNTIME_SDK = ['client-s3', 'client-dynamodb', 'lib-dynamodb', 'client-sqs'];

/**
 * One of the digest's functions (`functions/<name>.ts`), bundled locally with esbuild. Each gets
 * its own role that may write only to its own log group (instead of the account-wide
 * AWSLambdaBasicExecutionRole); the stack's parts grant what each one needs.
 */
export function digestFunction(
  scope: Construct,
  id: string,
  name: string,
  extra: Partial<NodejsFunctionProps> = {},
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${name}-logs`, {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${name}-role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the ${name} function`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  return new NodejsFunction(scope, id, {
    entry: join(ROOT, 'functions', `${name}.ts`),
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    ...extra,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...extra.environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      metafile: true,
      mainFields: ['module', 'main'],
      // The AWS SDK is bundled (tree-shaken, one file): measured, that halves module import
      // time against loading the runtime's copy from node_modules. Only the build function,
      // which carries MJML, leaves it out to stay under 1 MB (it runs once a week).
      externalModules: name === 'build-digest' ? ['@aws-sdk/*'] : [],
      // ESM output still meets CommonJS dependencies that call require().
      banner: "import{createRequire}from'module';const require=createRequire(import.meta.url);",
      esbuildArgs: {
        ...Object.fromEntries(
          UNUSED_IN_LAMBDA.map((module) => [
            `--alias:${module}`,
            join(ROOT, 'infra', 'bundling', 'unused-module.cjs'),
          ]),
        ),
        '--alias:source-map': join(ROOT, 'infra', 'bundling', 'absent-module.cjs'),
        ...(name === 'build-digest'
          ? Object.fromEntries(
              RUNTIME_SDK.map((sdk) => [
                `--alias:@aws-sdk/${sdk}`,
                join(ROOT, 'infra', 'bundling', 'runtime-sdk', `${sdk}.cjs`),
              ]),
            )
          : {}),
      },
      ...extra.bundling,
    },
  });
}

/** Lambda function names are at most 64 characters. */
const MAX_FUNCTION_NAME = 64;

/**
 * The build function's name: the stack's name and `-build-digest` (a long stack name is cut and
 * marked with a hash of it, so two stacks never share a name).
 *
 * @example
 * buildFunctionName('WeeklyDigest') // 'WeeklyDigest-build-digest'
 */
export function buildFunctionName(stackName: string): string {
  const suffix = '-build-digest';
  if (stackName.length + suffix.length <= MAX_FUNCTION_NAME) return `${stackName}${suffix}`;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  return `${stackName.slice(0, MAX_FUNCTION_NAME - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
