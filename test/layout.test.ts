// The README's Layout, checked: one function, one room in shared/routes; rooms never reach into each other
// (what several routes share lives in a layer folder); no file in shared/ over 300 lines.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#shared/catalog.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_LINES = 300;

const foldersOf = (path: string): string[] =>
  readdirSync(join(ROOT, path), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
const sharedFiles = (readdirSync(join(ROOT, 'shared'), { recursive: true }) as string[])
  .filter((path) => path.endsWith('.ts'))
  .map((path) => join('shared', path))
  .sort();

/** The route room (shared/routes/<name>) an import of `file` points into, for every import that does. */
const roomsImportedBy = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)]
    .map(([, specifier = '']) => (specifier.startsWith('#shared/') ? join('shared', specifier.slice('#shared/'.length)) : specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : ''))
    .flatMap((path) => /^shared\/routes\/([^/]+)\//.exec(path)?.[1] ?? []);

/** The room a file of shared/ lives in, if it lives in one. */
const roomOf = (file: string): string | undefined => /^shared\/routes\/([^/]+)\//.exec(file)?.[1];

describe('layout: one room per route', () => {
  const names = Object.keys(FUNCTIONS).sort();

  it('functions/<name>/ and shared/routes/<name>/ correspond one to one, and both are the catalog', () => {
    expect(foldersOf('functions')).toEqual(names);
    expect(foldersOf('shared/routes')).toEqual(names);
  });

  it.each(names)('functions/%s/handler.ts calls into its own room, and only that one', (name) => {
    const rooms = roomsImportedBy(join('functions', name, 'handler.ts'));
    expect(rooms).toContain(name);
    expect(new Set(rooms)).toEqual(new Set([name]));
    expect(readdirSync(join(ROOT, 'shared/routes', name))).toContain(`${name}.ts`);
  });

  it('no file in shared/ imports from another route’s room (shared code lives in a layer folder)', () => {
    const strays = sharedFiles.flatMap((file) => roomsImportedBy(file).filter((room) => room !== roomOf(file)).map((room) => `${file} → shared/routes/${room}/`));
    expect(strays).toEqual([]);
  });
});

describe('layout: small files', () => {
  it(`no file in shared/ is over ${MAX_LINES} lines`, () => {
    const long = sharedFiles
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
    expect(sharedFiles.length).toBeGreaterThan(50); // the walk really read the tree
  });
});
