// The Lambda runtime's own @aws-sdk/lib-dynamodb, loaded with require(): see runtime-sdk/README.md.
const name = '@aws-sdk/lib-dynamodb';
module.exports = require(name);
