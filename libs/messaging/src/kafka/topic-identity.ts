import { connect } from 'node:net';
import { KafkaReader, KafkaWriter } from './kafka-wire';

/** Which cluster and which incarnation of a topic an offset counts in: a recreated topic gets a new id. */
export interface TopicIdentity {
  clusterId: string;
  topicId: string;
}

const METADATA = 3;
const METADATA_VERSION = 12; // the first with topic ids and nullable names; Kafka 3.1 and later
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Asks a broker for the cluster id and the topic's id (Metadata v12). kafkajs speaks Metadata v6 only,
 * which has no topic ids, so this one request is made on a socket of its own.
 */
export async function describeTopicIdentity(
  brokers: readonly string[],
  topic: string,
  timeoutMs = 5_000,
): Promise<TopicIdentity> {
  let lastError: unknown;
  for (const broker of brokers) {
    try {
      const response = decodeMetadataResponse(await request(broker, encodeMetadataRequest(topic), timeoutMs));
      const found = response.topics.find((t) => t.name === topic);
      if (!found || found.errorCode !== 0 || found.topicId === ZERO_UUID)
        throw new Error(
          `topic ${topic} is unknown to the cluster (error code ${found?.errorCode ?? 'none'})`,
        );
      if (!response.clusterId) throw new Error('the broker reported no cluster id');
      return { clusterId: response.clusterId, topicId: found.topicId };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

export function encodeMetadataRequest(topic: string, correlationId = 1): Buffer {
  const body = new KafkaWriter()
    .int16(METADATA)
    .int16(METADATA_VERSION)
    .int32(correlationId)
    .string('orgpulse-topic-identity') // request header v2: client id is a classic nullable string
    .uvarint(0) // header tagged fields
    .uvarint(2) // compact array of one topic
    .uuid(ZERO_UUID)
    .compactString(topic)
    .uvarint(0)
    .boolean(false) // allow_auto_topic_creation
    .boolean(false) // include_topic_authorized_operations
    .uvarint(0)
    .toBuffer();
  return Buffer.concat([new KafkaWriter().int32(body.length).toBuffer(), body]);
}

export interface MetadataResponse {
  correlationId: number;
  clusterId: string | null;
  topics: { errorCode: number; name: string | null; topicId: string; partitions: number }[];
}

/** Decodes a Metadata v12 response without its 4-byte size prefix. */
export function decodeMetadataResponse(frame: Buffer): MetadataResponse {
  const r = new KafkaReader(frame);
  const correlationId = r.int32();
  r.taggedFields();
  r.int32(); // throttle_time_ms
  r.compactArray(() => {
    r.int32();
    r.compactString();
    r.int32();
    r.compactString();
    r.taggedFields();
  });
  const clusterId = r.compactString();
  r.int32(); // controller_id
  const topics = r.compactArray(() => {
    const errorCode = r.int16();
    const name = r.compactString();
    const topicId = r.uuid();
    r.boolean();
    const partitions = r.compactArray(() => {
      r.int16();
      r.int32();
      r.int32();
      r.int32();
      r.compactArray(() => r.int32());
      r.compactArray(() => r.int32());
      r.compactArray(() => r.int32());
      r.taggedFields();
    }).length;
    r.int32(); // topic_authorized_operations
    r.taggedFields();
    return { errorCode, name, topicId, partitions };
  });
  return { correlationId, clusterId, topics };
}

function request(broker: string, payload: Buffer, timeoutMs: number): Promise<Buffer> {
  const separator = broker.lastIndexOf(':');
  const host = broker.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(broker.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`no Metadata answer from ${broker} within ${timeoutMs} ms`)),
    );
    socket.on('error', fail);
    socket.on('close', () =>
      reject(new Error(`${broker} closed the connection (Metadata v12 unsupported?)`)),
    );
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const size = all.readInt32BE(0);
      if (size < 0 || size > 16 * 1024 * 1024) return fail(new Error(`implausible frame of ${size} bytes`));
      if (all.length < 4 + size) return;
      socket.end();
      resolve(all.subarray(4, 4 + size));
    });
  });
}
