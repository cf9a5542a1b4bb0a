// The Lambda runtime's own @aws-sdk/client-dynamodb, loaded with require(): see runtime-sdk/README.md.
const name = '@aws-sdk/client-dynamodb';
module.exports = require(name);
