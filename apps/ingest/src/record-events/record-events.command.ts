import type { BinaryModeHeaders } from './cloud-events';

export type EventBodyFormat = 'native' | 'cloudevent' | 'cloudevent-batch' | 'cloudevent-binary';

export class RecordEventsCommand {
  constructor(
    readonly orgId: string,
    readonly format: EventBodyFormat,
    readonly body: unknown,
    /** The request's headers: a binary-mode CloudEvent's attributes are there. */
    readonly headers: BinaryModeHeaders = {},
  ) {}
}
