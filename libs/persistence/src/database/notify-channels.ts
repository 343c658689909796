/** Every PostgreSQL NOTIFY channel of orgpulse, in one place; PgListener accepts only these. */
export const NOTIFY_CHANNELS = {
  /** a projection commit: the payload is a projection notice (projection-notice.ts) */
  projections: 'orgpulse_projections',
  /** an org's settings changed: the payload is the org's id */
  settings: 'orgpulse_settings',
  /** a credential revocation: the payload is the revoked secret's hash */
  credentials: 'orgpulse_credentials',
} as const;

export type NotifyChannel = (typeof NOTIFY_CHANNELS)[keyof typeof NOTIFY_CHANNELS];
