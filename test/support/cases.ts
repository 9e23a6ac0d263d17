// Table rows `[name, input, status, code, ...]` titled `name → status code`: printf-style titles cannot skip
// the input column (a function or an object, which `%i` prints as NaN).
export const titled = <R extends readonly [string, unknown, number, string, ...unknown[]]>(rows: readonly R[]): R[] =>
  rows.map((row) => {
    const [name, input, status, code, ...rest] = row;
    return [`${name} → ${status} ${code}`, input, status, code, ...rest] as unknown as R;
  });
