// Stands in for an optional dependency that its user checks for and does without
// (Handlebars' source maps for compiled templates): an empty module reads as "not installed".
module.exports = {};
