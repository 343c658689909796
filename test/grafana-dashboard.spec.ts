import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** infra/grafana's dashboard queries only metrics the README lists (which the observability e2e scrapes). */
describe('the Grafana dashboard', () => {
  const root = join(__dirname, '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const dashboard = JSON.parse(readFileSync(join(root, 'infra/grafana/orgpulse-dashboard.json'), 'utf8')) as {
    panels: { type: string; title: string; targets?: { expr: string }[] }[];
  };
  const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.expr] as const));

  it('has a query in every panel', () => {
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(20);
    for (const panel of graphs)
      expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
  });

  it.each(queries)('%s: every orgpulse metric it queries is documented', (_title, expr) => {
    const names = [...expr.matchAll(/\borgpulse_[a-z_]+/g)].map((m) =>
      m[0].replace(/_(bucket|sum|count)$/, ''),
    );
    for (const name of names) {
      const abbreviated = name.replace(/^orgpulse_(projector|alerter)/, '…');
      expect([name, readme.includes(`\`${name}`) || readme.includes(`\`${abbreviated}`)]).toEqual([
        name,
        true,
      ]);
    }
  });
});
