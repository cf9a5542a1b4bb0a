import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { reportBundleSizes } from './bundle-sizes.js';
import { DigestStack } from './digest-stack.js';
import { suppressReviewedFindings } from './nag-suppressions.js';
import { placeholderSender, readDeploySettings } from './settings.js';

const app = new App();
try {
  const settings = readDeploySettings((key) => app.node.tryGetContext(key));
  // Said on every synth; the stack itself carries a rule that makes CloudFormation refuse a deploy.
  const placeholder = placeholderSender(settings);
  if (placeholder) process.stderr.write(`warning: ${placeholder}; cdk deploy will refuse it\n`);
  const stack = new DigestStack(app, app.node.tryGetContext('stackName') ?? 'WeeklyDigest', {
    settings,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  suppressReviewedFindings(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const assembly = app.synth();
  reportBundleSizes(assembly);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
