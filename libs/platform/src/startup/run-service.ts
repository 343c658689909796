import { ConfigError } from '../config/env-schema';
import { DependencyError, describeError } from './startup-errors';

/**
 * Runs a service's boot function. A bad or unreachable variable ends the process with one line
 * naming it; anything else is logged with its stack.
 */
export function runService(service: string, boot: () => Promise<unknown>): void {
  boot().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof DependencyError) {
      process.stderr.write(`${service}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service, msg: 'failed to start', err: describeError(error), stack: error instanceof Error ? error.stack : undefined })}\n`,
      );
    }
    process.exit(1);
  });
}
