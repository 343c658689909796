import { backlogRefusal } from './backlog-refusal';

describe('backlogRefusal', () => {
  it.each<[string, boolean, object | undefined]>([
    // [given the backlog waiting for Kafka, then the refusal]
    ['not full', false, undefined],
    ['full', true, { code: 'KAFKA_UNAVAILABLE', status: 503, retryAfterSeconds: 5 }],
  ])('given a backlog %s, refuses a request before its body is read, or not', (_given, full, refusal) => {
    const error = backlogRefusal({ full });
    if (refusal === undefined) expect(error).toBeUndefined();
    else expect(error).toMatchObject({ ...refusal, toBody: expect.any(Function) });
  });

  it('says so in the errors body, with nothing else', () => {
    expect(backlogRefusal({ full: true })?.toBody()).toEqual({
      errors: [{ code: 'KAFKA_UNAVAILABLE', message: expect.stringMatching(/nothing was accepted/) }],
    });
  });
});
