import { testEnvironment } from '@orgpulse/testing';
import { connectDatabase } from './connect-database';

describe('PostgreSQL sessions (real PostgreSQL)', () => {
  it('get a statement timeout and an idle-in-transaction timeout, and no JIT compilation', async () => {
    const db = await connectDatabase({
      url: testEnvironment().databaseUrl,
      startupTimeoutMs: 5_000,
      statementTimeoutMs: 1_500,
    });
    try {
      const [settings] = await db.query<{ statement: string; idle: string; jit: string }[]>(
        `SELECT current_setting('statement_timeout') AS statement,
                current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('jit') AS jit`,
      );
      expect(settings).toEqual({ statement: '1500ms', idle: '1500ms', jit: 'off' });
      await expect(db.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    } finally {
      await db.destroy();
    }
  });
});
