import { randomUUID } from 'node:crypto';
import { testEnvironment } from '@orgpulse/testing';
import { Kafka, logLevel } from 'kafkajs';
import { describeTopicIdentity } from './topic-identity';

describe('describeTopicIdentity (real broker)', () => {
  const brokers = testEnvironment().kafkaBrokers.split(',');
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it("answers the broker's cluster id and a topic id that changes when the topic is recreated", async () => {
    const topic = `identity-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const first = await describeTopicIdentity(brokers, topic);
    expect(first.clusterId).toBe((await admin.describeCluster()).clusterId);
    expect(first.topicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await describeTopicIdentity(brokers, topic)).toEqual(first);

    await admin.deleteTopics({ topics: [topic] });
    let recreated = false;
    for (let i = 0; i < 50 && !recreated; i++) {
      recreated = await admin
        .createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
        .catch(() => false);
      if (!recreated) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const second = await describeTopicIdentity(brokers, topic);
    expect(second.clusterId).toBe(first.clusterId);
    expect(second.topicId).not.toBe(first.topicId);
  });

  it('refuses a topic the cluster does not have', async () => {
    await expect(describeTopicIdentity(brokers, `missing-${randomUUID()}`)).rejects.toThrow(/unknown/);
  });
});
