import type { EntityManager } from 'typeorm';
import { StatementLine, causeOf, inLine } from './statement-line';

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('statements side by side on one connection', () => {
  it.each([
    ['the refusal, then the statements queued behind it', [pgError('22P05'), pgError('25P02')], '22P05'],
    ['an aborted statement told first, then the cause', [pgError('25P02'), pgError('54000')], '54000'],
    ['only aborted statements (the cause was elsewhere)', [pgError('25P02'), pgError('25P02')], '25P02'],
    ['a failure of this process', [new Error('the fold failed'), pgError('25P02')], 'the fold failed'],
  ])(
    'given %s, then the cause told is the first that is not "transaction aborted"',
    (_given, failures, told) => {
      expect((causeOf(failures) as Error).message).toBe(told);
    },
  );

  it('takes work in the order asked, one at a time, and goes on after a failure', async () => {
    const line = new StatementLine();
    const log: string[] = [];
    let running = 0;
    const work = (name: string, fail = false) =>
      line.run(async () => {
        running += 1;
        log.push(`${name}:${running}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        running -= 1;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([work('a'), work('b', true), work('c')]);
    expect(log).toEqual(['a:1', 'b:1', 'c:1']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('puts a manager in line once: one in line already is returned as it is', () => {
    const tx = { queryRunner: {}, query: () => Promise.resolve([]) } as unknown as EntityManager;
    const lined = inLine(tx);
    expect(lined).not.toBe(tx);
    expect(inLine(lined)).toBe(lined);
    const outside = { queryRunner: undefined } as unknown as EntityManager;
    expect(inLine(outside)).toBe(outside);
  });
});
