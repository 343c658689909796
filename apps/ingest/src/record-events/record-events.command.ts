export type EventBodyFormat = 'native' | 'cloudevent' | 'cloudevent-batch';

export class RecordEventsCommand {
  constructor(
    readonly orgId: string,
    readonly format: EventBodyFormat,
    readonly body: unknown,
  ) {}
}
