// The Lambda runtime's own @aws-sdk/client-s3, loaded with require(): see runtime-sdk/README.md.
const name = '@aws-sdk/client-s3';
module.exports = require(name);
