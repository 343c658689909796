import { whyItExited } from './large-org-bench';

describe('why an app exited during E6, from its stderr', () => {
  it.each([
    [
      'V8 out of heap, after warnings',
      '(node:1) DeprecationWarning: Calling client.query()\n\n<--- Last few GCs --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb78db3 node::OOMErrorHandler',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ],
    [
      'the last error line',
      '{"level":40,"msg":"slow"}\n{"level":60,"msg":"Error: connect ECONNREFUSED"}\n',
      '{"level":60,"msg":"Error: connect ECONNREFUSED"}',
    ],
    ['else the last line', 'starting\nstopped by SIGKILL\n', 'stopped by SIGKILL'],
    ['nothing', '', '(no output)'],
  ])('%s', (_case, stderr, why) => {
    expect(whyItExited(stderr)).toBe(why);
  });
});
