// The Lambda runtime's own @aws-sdk/client-sqs, loaded with require(): see runtime-sdk/README.md.
const name = '@aws-sdk/client-sqs';
module.exports = require(name);
