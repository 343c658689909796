/** A variable of an app's environment: how to read it, and what it must be (said in errors). */
export interface EnvVar<T> {
  readonly expected: string;
  readonly defaultValue?: string;
  parse(raw: string): T | undefined;
  /** A rule across variables, run once every variable is read: what is wrong, or undefined. */
  check?(value: T, config: Readonly<Record<string, unknown>>): string | undefined;
}

export type EnvSchema = Record<string, EnvVar<unknown>>;
export type EnvOf<S extends EnvSchema> = {
  readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment at boot; the first bad variable is named in the error. */
export function loadEnv<S extends EnvSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): EnvOf<S> {
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const raw = env[name] === undefined || env[name] === '' ? spec.defaultValue : env[name];
    if (raw === undefined) throw new ConfigError(name, `is required; expected ${spec.expected}`);
    const value = spec.parse(raw.trim());
    if (value === undefined)
      throw new ConfigError(name, `is invalid (${JSON.stringify(raw)}); expected ${spec.expected}`);
    config[name] = value;
  }
  for (const [name, spec] of Object.entries(schema)) {
    const problem = spec.check?.(config[name], config);
    if (problem !== undefined) throw new ConfigError(name, problem);
  }
  return config as EnvOf<S>;
}

const HOST_PORT = /^[A-Za-z0-9.-]+:(\d{1,5})$/;

export const env = {
  port: (defaultValue: number): EnvVar<number> => ({
    expected: 'a TCP port 1..65535',
    defaultValue: String(defaultValue),
    parse: (raw) => {
      const n = Number(raw);
      return /^\d+$/.test(raw) && n >= 1 && n <= 65535 ? n : undefined;
    },
  }),
  int: (defaultValue: number, min: number, max: number): EnvVar<number> => ({
    expected: `an integer ${min}..${max}`,
    defaultValue: String(defaultValue),
    parse: (raw) => {
      const n = Number(raw);
      return /^-?\d+$/.test(raw) && n >= min && n <= max ? n : undefined;
    },
  }),
  oneOf: <T extends string>(values: readonly T[], defaultValue?: T): EnvVar<T> => ({
    expected: `one of ${values.join(', ')}`,
    defaultValue,
    parse: (raw) => values.find((v) => v === raw),
  }),
  string: (defaultValue?: string): EnvVar<string> => ({
    expected: 'a non-empty string',
    defaultValue,
    parse: (raw) => (raw.length > 0 ? raw : undefined),
  }),
  /** An http(s) URL, or nothing (null) when unset or empty. */
  optionalHttpUrl: (example: string): EnvVar<string | null> => ({
    expected: `an http or https URL such as ${example}, or empty`,
    defaultValue: '',
    parse: (raw) => {
      if (raw === '') return null;
      try {
        const url = new URL(raw);
        return ['http:', 'https:'].includes(url.protocol) && url.hostname !== '' ? raw : undefined;
      } catch {
        return undefined;
      }
    },
  }),
  postgresUrl: (): EnvVar<string> => ({
    expected: 'a PostgreSQL URL such as postgres://user@127.0.0.1:5432/orgpulse',
    parse: (raw) => {
      try {
        const url = new URL(raw);
        return ['postgres:', 'postgresql:'].includes(url.protocol) &&
          url.hostname !== '' &&
          url.pathname.length > 1
          ? raw
          : undefined;
      } catch {
        return undefined;
      }
    },
  }),
  brokers: (): EnvVar<string[]> => ({
    expected: 'a comma-separated list of host:port, such as 127.0.0.1:9092',
    parse: (raw) => {
      const brokers = raw.split(',').map((b) => b.trim());
      return brokers.every((b) => {
        const port = HOST_PORT.exec(b)?.[1];
        return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
      })
        ? brokers
        : undefined;
    },
  }),
};
