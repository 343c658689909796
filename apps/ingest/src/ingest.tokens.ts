export const LOGGER = Symbol('LOGGER');
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
