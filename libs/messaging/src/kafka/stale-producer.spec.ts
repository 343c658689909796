import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { isStaleProducerError } from './stale-producer';

const protocol = (type: string) => Object.assign(new KafkaJSProtocolError(`broker said ${type}`), { type });

describe('isStaleProducerError', () => {
  it.each([
    ['out of order sequence (a wiped Kafka)', protocol('OUT_OF_ORDER_SEQUENCE_NUMBER'), true],
    ['unknown producer id', protocol('UNKNOWN_PRODUCER_ID'), true],
    [
      'wrapped after retries',
      new KafkaJSNumberOfRetriesExceeded(protocol('INVALID_PRODUCER_EPOCH'), {
        retryCount: 2,
        retryTime: 100,
      }),
      true,
    ],
    ['a leader change', protocol('NOT_LEADER_FOR_PARTITION'), false],
    ['a connection error', new Error('Connection error: ECONNREFUSED'), false],
    ['nothing', undefined, false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isStaleProducerError(error)).toBe(expected);
  });
});
