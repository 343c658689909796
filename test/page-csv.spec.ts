import { csvCell } from '../apps/api/page/src/csv';

/** The leadership page's CSV export (README "Leadership page"): what a spreadsheet would run is text. */
describe('the leadership page CSV cell', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', `"'\r=1+2"`],
    ['\n=1+2', `"'\n=1+2"`],
    ['  =1+2', "'  =1+2"],
    ['\u0000=1', "'\u0000=1"],
    ['\u001b[31m', "'\u001b[31m"],
    ['\u0085=1', "'\u0085=1"],
    ['＝1+2', "'＝1+2"],
    ['\t', "'\t"],
  ])('guards %j', (given, shown) => {
    expect(csvCell(given)).toBe(shown);
  });

  it.each<[string | number | null, string]>([
    ['Core Platform', 'Core Platform'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    [-3.5, '-3.5'],
    [null, ''],
    ['e-mail', 'e-mail'],
  ])('leaves %j as it is, quoted where CSV needs it', (given, shown) => {
    expect(csvCell(given)).toBe(shown);
  });
});
