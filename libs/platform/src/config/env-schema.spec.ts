import { commonEnv } from './common.env';
import { ConfigError, env, loadEnv } from './env-schema';

const schema = { ...commonEnv, PORT: env.port(3001) };
const good = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orgpulse',
  KAFKA_BROKERS: '127.0.0.1:9092, kafka:29092',
};

describe('loadEnv', () => {
  it('reads values and applies defaults', () => {
    expect(loadEnv(schema, good)).toMatchObject({
      DATABASE_URL: good.DATABASE_URL,
      KAFKA_BROKERS: ['127.0.0.1:9092', 'kafka:29092'],
      PORT: 3001,
      LOG_LEVEL: 'info',
      STARTUP_TIMEOUT_MS: 15_000,
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_MIN_INSYNC_REPLICAS: 1,
    });
  });

  it('reads a cluster durability setting: replication 3, min.insync.replicas 2', () => {
    expect(
      loadEnv(schema, { ...good, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }),
    ).toMatchObject({ KAFKA_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 2 });
    expect(
      loadEnv(schema, { ...good, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '3' }),
    ).toMatchObject({ KAFKA_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 3 });
  });

  it('refuses min.insync.replicas above the replication factor, naming the variable', () => {
    const given = { ...good, KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' };
    expect(() => loadEnv(schema, given)).toThrow(ConfigError);
    expect(() => loadEnv(schema, given)).toThrow(
      'KAFKA_MIN_INSYNC_REPLICAS: 3 is more than KAFKA_REPLICATION_FACTOR (2)',
    );
    // the default replication factor (1) counts too
    expect(() => loadEnv(schema, { ...good, KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(
      'KAFKA_MIN_INSYNC_REPLICAS: 2 is more than KAFKA_REPLICATION_FACTOR (1)',
    );
  });

  it.each<[string, Record<string, string>, string]>([
    ['missing DATABASE_URL', { KAFKA_BROKERS: good.KAFKA_BROKERS }, 'DATABASE_URL: is required'],
    ['a MySQL URL', { ...good, DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL: is invalid'],
    [
      'a URL without database',
      { ...good, DATABASE_URL: 'postgres://127.0.0.1:5432' },
      'DATABASE_URL: is invalid',
    ],
    ['brokers without port', { ...good, KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS: is invalid'],
    ['broker port 0', { ...good, KAFKA_BROKERS: 'a:1,b:0' }, 'KAFKA_BROKERS: is invalid'],
    [
      'replication factor 0',
      { ...good, KAFKA_REPLICATION_FACTOR: '0' },
      'KAFKA_REPLICATION_FACTOR: is invalid',
    ],
    [
      'min.insync.replicas 0',
      { ...good, KAFKA_MIN_INSYNC_REPLICAS: '0' },
      'KAFKA_MIN_INSYNC_REPLICAS: is invalid',
    ],
    ['port out of range', { ...good, PORT: '70000' }, 'PORT: is invalid'],
    ['port not a number', { ...good, PORT: '30a' }, 'PORT: is invalid'],
    [
      'unknown log level',
      { ...good, LOG_LEVEL: 'loud' },
      'LOG_LEVEL: is invalid ("loud"); expected one of fatal',
    ],
  ])('names the variable: %s', (_case, given, message) => {
    expect(() => loadEnv(schema, given)).toThrow(ConfigError);
    expect(() => loadEnv(schema, given)).toThrow(message);
  });
});
