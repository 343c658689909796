import { ForeignOffsetError } from '@orgpulse/persistence';
import { QueryFailedError } from 'typeorm';
import { classifyProjectionFailure } from './projection-failure';

const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code });
const queryFailed = (code: string) => new QueryFailedError('INSERT ...', [], pgError(code));
const connection = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyProjectionFailure', () => {
  it.each([
    ['date/time field value out of range (22008)', queryFailed('22008'), 'permanent'],
    ['unsupported Unicode escape (22P05)', queryFailed('22P05'), 'permanent'],
    ['invalid byte sequence (22021)', queryFailed('22021'), 'permanent'],
    ['check constraint (23514)', queryFailed('23514'), 'permanent'],
    ['index row size exceeds maximum (54000)', queryFailed('54000'), 'permanent'],
    ['serialization failure (40001)', queryFailed('40001'), 'transient'],
    ['deadlock (40P01)', queryFailed('40P01'), 'transient'],
    ['admin shutdown (57P01)', pgError('57P01'), 'transient'],
    ['statement timeout (57014)', queryFailed('57014'), 'transient'],
    ['connection refused', connection('ECONNREFUSED'), 'transient'],
    ['connection terminated', new Error('Connection terminated unexpectedly'), 'transient'],
    ['a fold throwing on bad data', new RangeError('Invalid time value'), 'permanent'],
    [
      'a fold reading a missing field',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'permanent',
    ],
    ['offsets of another cluster', new ForeignOffsetError('partition 1: another cluster'), 'rebind'],
    ['something unknown', 'boom', 'transient'],
  ])('%s is %s', (_name, error, expected) => {
    expect(classifyProjectionFailure(error)).toBe(expected);
  });
});
