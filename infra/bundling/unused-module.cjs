// Stands in for packages the Lambda bundle never calls (MJML's minifier and beautifier,
// cheerio's URL fetching and legacy-charset decoding). Touching it is a bug: it says so.
const fail = (name) => () => {
  throw new Error(`${name} is not included in the Lambda bundle`);
};
module.exports = new Proxy(function stub() {}, {
  get: (_target, name) => (name === '__esModule' ? false : fail(String(name))),
  apply: fail('stub'),
});
