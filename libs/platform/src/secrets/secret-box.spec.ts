import { randomBytes } from 'node:crypto';
import { loadEnv } from '../config/env-schema';
import { SecretBox, secretsKeyVariable } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('vendor-secret-123', 'integration-1');
    expect(sealed).not.toContain('vendor-secret-123');
    expect(box.open(sealed, 'integration-1')).toBe('vendor-secret-123');
    expect(box.seal('vendor-secret-123', 'integration-1')).not.toBe(sealed); // a fresh IV each time
  });

  it.each<[string, (sealed: string) => [string, string, SecretBox]]>([
    ['another context', (s) => [s, 'integration-2', box]],
    ['another key', (s) => [s, 'integration-1', new SecretBox(randomBytes(32))]],
    ['an altered ciphertext', (s) => [`${s.slice(0, -2)}AA`, 'integration-1', box]],
  ])('refuses to open it with %s', (_given, tamper) => {
    const [sealed, context, opener] = tamper(box.seal('vendor-secret-123', 'integration-1'));
    expect(() => opener.open(sealed, context)).toThrow();
  });
});

describe('ORGPULSE_SECRETS_KEY', () => {
  const schema = { ORGPULSE_SECRETS_KEY: secretsKeyVariable };

  it('is required, and the error names it', () => {
    expect(() => loadEnv(schema, {})).toThrow(
      /^ORGPULSE_SECRETS_KEY: is required; expected 32 random bytes in base64/,
    );
  });

  it.each([['c2hvcnQ='], ['not base64 at all!'], [randomBytes(31).toString('base64')]])('refuses %s', (raw) =>
    expect(() => loadEnv(schema, { ORGPULSE_SECRETS_KEY: raw })).toThrow(/ORGPULSE_SECRETS_KEY: is invalid/),
  );

  it('reads 32 bytes of base64', () => {
    const raw = randomBytes(32).toString('base64');
    expect(loadEnv(schema, { ORGPULSE_SECRETS_KEY: raw }).ORGPULSE_SECRETS_KEY).toEqual(
      Buffer.from(raw, 'base64'),
    );
  });
});
