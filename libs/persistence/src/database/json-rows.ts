/**
 * Many rows as one JSON parameter, read back by json_to_recordset: one JSON.stringify in Node and one
 * JSON parse in PostgreSQL instead of an array literal per column (pg escapes every element of those),
 * and jsonb values travel as JSON inside it rather than as strings escaped twice.
 */
export function jsonRows(columns: readonly (readonly [name: string, type: string])[], parameter = 1): string {
  return `json_to_recordset($${parameter}::json) AS r(${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`;
}

export const columnNames = (columns: readonly (readonly [string, string])[]): string =>
  columns.map(([name]) => name).join(', ');
