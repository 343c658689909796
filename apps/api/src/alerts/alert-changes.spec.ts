import { ORG_HEADER } from '@orgpulse/contracts';
import type { KafkaMessage } from 'kafkajs';
import { orgOfHeaders } from './alert-changes';

describe("an alert record's org, from its header", () => {
  it.each<[string, KafkaMessage['headers'], string | undefined]>([
    ['as Kafka delivers it', { [ORG_HEADER]: Buffer.from('org-a') }, 'org-a'],
    ['as a string', { [ORG_HEADER]: 'org-a' }, 'org-a'],
    ['none: an older alerter', { 'content-type': Buffer.from('application/cloudevents+json') }, undefined],
    ['no headers at all', undefined, undefined],
    // Kafka allows a null header value (kafkajs reads it as null) and a repeated header (an array)
    ['null', { [ORG_HEADER]: null as unknown as Buffer }, undefined],
    ['repeated', { [ORG_HEADER]: [Buffer.from('org-a'), Buffer.from('org-b')] }, undefined],
  ])('%s', (_case, headers, expected) => {
    expect(orgOfHeaders(headers)).toBe(expected);
  });
});
