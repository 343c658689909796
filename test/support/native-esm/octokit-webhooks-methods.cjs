// The real @octokit/webhooks-methods (an ES module), for jest: see README.md beside this file.
module.exports = require('./load-esm.cjs')('@octokit/webhooks-methods', 'octokit-webhooks-methods');
