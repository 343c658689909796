/**
 * The payload of `NOTIFY orgpulse_projections` at a projection commit: the org whose read models changed,
 * then, when the change was traced, a space and the W3C `traceparent` of the projection's span (so that
 * the alerter's evaluation and deliveries continue the trace).
 */
export const projectionNotice = (orgId: string, traceparent?: string): string =>
  traceparent ? `${orgId} ${traceparent}` : orgId;

export function parseProjectionNotice(payload: string): { orgId: string; traceparent?: string } {
  const space = payload.indexOf(' ');
  if (space < 0) return { orgId: payload };
  return { orgId: payload.slice(0, space), traceparent: payload.slice(space + 1) };
}
