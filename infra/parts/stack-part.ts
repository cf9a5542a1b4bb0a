import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A group of the stack's resources (storage, sending, …), kept in its own construct so the stack
 * reads as what it is made of. Groups leave CloudFormation ids as they were: resources keep their
 * identity when the stack is reorganised, so a deployed table or bucket is never replaced.
 */
export class StackPart extends Construct {}

/** A stack whose logical ids ignore `StackPart` groups in construct paths. */
export class PartedStack extends Stack {
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes.filter((scope) => !(scope instanceof StackPart));
    return super.allocateLogicalId({ node: { scopes }, stack: element.stack } as unknown as CfnElement);
  }
}
