import { fromCloudEvent } from './cloud-events';

describe('fromCloudEvent', () => {
  it('maps id, type, time, source and data onto the native envelope', () => {
    const ce = {
      specversion: '1.0',
      id: 'evt-1',
      type: 'team.blocked',
      time: '2026-11-20T09:00:00Z',
      source: 'jira',
      datacontenttype: 'application/json',
      data: { teamId: 'payments', reason: 'dependency' },
    };
    expect(fromCloudEvent(ce, 0)).toEqual({
      envelope: {
        id: 'evt-1',
        type: 'team.blocked',
        occurredAt: '2026-11-20T09:00:00Z',
        source: 'jira',
        data: ce.data,
      },
      problems: [],
    });
  });

  it.each([
    ['missing specversion', { id: 'a' }, 'specversion'],
    ['specversion 0.3', { specversion: '0.3', id: 'a' }, 'specversion'],
    ['not an object', [1], ''],
  ])('rejects %s', (_case, input, path) => {
    expect(fromCloudEvent(input, 4).problems).toEqual([expect.objectContaining({ index: 4, path })]);
  });
});
