export const INTEGRATION_ROUTE_PREFIX = '/v1/integrations/';

/** Receivers verify signatures over the exact bytes sent: their bodies are kept raw, parsed once verified. */
export const isIntegrationReceiver = (url: string): boolean => url.startsWith(INTEGRATION_ROUTE_PREFIX);
