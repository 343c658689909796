import { csvCell } from './csv';

export interface Column<T> {
  title: string;
  value: (row: T) => string | number | null;
  /** Shown instead of the raw value (the CSV keeps the raw value). */
  format?: (row: T) => string;
  numeric?: boolean;
  className?: (row: T) => string;
  /** A link to the row's team page. */
  teamId?: (row: T) => string | null;
  /** A link to a person's coaching view. */
  person?: { id: (row: T) => string | null; open: (personId: string) => void };
}

export const toCsv = <T>(columns: Column<T>[], rows: T[]): string =>
  [columns.map((c) => csvCell(c.title)), ...rows.map((r) => columns.map((c) => csvCell(c.value(r))))]
    .map((cells) => cells.join(','))
    .join('\r\n') + '\r\n';

function link(text: string, href: string, open: () => void): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    open();
  });
  return a;
}

const personColumnOf = <T>(columns: Column<T>[]) => columns.find((c) => c.person)?.person;

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A table with a CSV export of exactly its rows. Rows are focusable: ↑/↓ move between them, Enter
 * opens the row's team, or else the row's person.
 */
export function renderTable<T>(
  host: HTMLElement,
  name: string,
  columns: Column<T>[],
  rows: T[],
  openTeam: (teamId: string) => void,
  empty = 'Nothing here for this window.',
): void {
  host.replaceChildren();
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'csv';
  button.textContent = 'CSV';
  button.setAttribute('aria-label', `Download ${name} as CSV`);
  button.addEventListener('click', () => download(`${name}.csv`, toCsv(columns, rows)));
  host.append(button);
  if (rows.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = empty;
    host.append(p);
    return;
  }
  const table = document.createElement('table');
  table.dataset.table = name;
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c.title;
    if (c.numeric) th.className = 'num';
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.tabIndex = 0;
    const teamId = columns.find((c) => c.teamId)?.teamId?.(row) ?? null;
    if (teamId) tr.dataset.team = teamId;
    const personId = personColumnOf(columns)?.id(row) ?? null;
    if (personId) tr.dataset.person = personId;
    for (const c of columns) {
      const td = tr.insertCell();
      // a phone shows each row as a card of "title: value" lines (page.css)
      td.dataset.label = c.title;
      const value = c.value(row);
      td.dataset.raw = value === null ? '' : String(value);
      const text = c.format ? c.format(row) : value === null ? '–' : String(value);
      const team = c.teamId?.(row);
      const person = c.person?.id(row);
      if (team) td.append(link(text, `?team=${encodeURIComponent(team)}`, () => openTeam(team)));
      else if (person && c.person)
        td.append(link(text, `?person=${encodeURIComponent(person)}`, () => c.person!.open(person)));
      else td.textContent = text;
      td.className = [c.numeric ? 'num' : '', c.className?.(row) ?? ''].join(' ').trim();
    }
  }
  table.addEventListener('keydown', (e) => {
    const tr = (e.target as HTMLElement).closest('tr');
    if (!tr) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = (
        e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling
      ) as HTMLElement | null;
      next?.focus();
      e.preventDefault();
    } else if (e.key === 'Enter' && e.target === tr) {
      if (tr.dataset.team) openTeam(tr.dataset.team);
      else if (tr.dataset.person) personColumnOf(columns)?.open(tr.dataset.person);
    }
  });
  host.append(table);
}
