/** What the load generator's client was told about each event it sent, keyed `orgId/eventId`. */
export class ClientLedger {
  private readonly states = new Map<string, 'sent' | 'accepted' | 'refused'>();
  /** How many requests got each answer: an HTTP status, `timeout` or `network`. */
  readonly answers: Record<string, number> = {};

  static key(orgId: string, eventId: string): string {
    return `${orgId}/${eventId}`;
  }

  sent(keys: readonly string[]): void {
    for (const key of keys) if (!this.states.has(key)) this.states.set(key, 'sent');
  }

  answered(answer: string): void {
    this.answers[answer] = (this.answers[answer] ?? 0) + 1;
  }

  accepted(keys: readonly string[]): void {
    for (const key of keys) this.states.set(key, 'accepted');
  }

  refused(keys: readonly string[]): void {
    for (const key of keys) if (this.states.get(key) !== 'accepted') this.states.set(key, 'refused');
  }

  get sentKeys(): ReadonlySet<string> {
    return new Set(this.states.keys());
  }

  get acceptedKeys(): string[] {
    return [...this.states].filter(([, state]) => state === 'accepted').map(([key]) => key);
  }

  get refusedKeys(): string[] {
    return [...this.states].filter(([, state]) => state === 'refused').map(([key]) => key);
  }
}
