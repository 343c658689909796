import { bearerToken } from './bearer-token';

describe('bearerToken', () => {
  it.each([
    ['Bearer opt_abc', 'opt_abc'],
    ['bearer opt_abc', 'opt_abc'],
    ['BEARER   opt_abc  ', 'opt_abc'],
    ['Bearer\topt_abc', 'opt_abc'],
  ])('reads %j', (header, secret) => expect(bearerToken(header)).toBe(secret));

  it.each([
    [undefined],
    [''],
    ['Bearer'],
    ['Bearer '],
    ['Basic dXNlcjpwYXNz'],
    ['Bearer two parts'],
    ['Bearer opt_abc\nX-Injected: 1'],
    ['opt_abc'],
    [42],
    [['Bearer opt_abc']],
  ])('refuses %j', (header) => expect(bearerToken(header)).toBeUndefined());
});
