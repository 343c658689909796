import { parseProjectionNotice, projectionNotice } from './projection-notice';

describe('projection notices', () => {
  const org = '4f1e2d3c-0000-4000-8000-000000000001';
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it.each([
    ['an untraced change: the org id alone, as before', undefined, org],
    ['a traced change: the org id, a space, the traceparent', traceparent, `${org} ${traceparent}`],
  ])('%s', (_given, trace, payload) => {
    expect(projectionNotice(org, trace)).toBe(payload);
    expect(parseProjectionNotice(payload)).toEqual(
      trace ? { orgId: org, traceparent: trace } : { orgId: org },
    );
  });
});
