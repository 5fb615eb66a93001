import { resolve } from 'node:path';

/** The repository, whether the importing file runs compiled (`dist/tools/dev`, as `npm start` runs it) or from source. */
export const repositoryRoot = resolve(import.meta.dirname, '../..').replace(/\/dist$/, '');
