// The real @linear/sdk/webhooks (an ES module), for jest: see README.md beside this file.
module.exports = require('./load-esm.cjs')('@linear/sdk/webhooks', 'linear-sdk-webhooks');
