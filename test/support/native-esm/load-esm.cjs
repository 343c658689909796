// Loads an ESM-only package under jest as CommonJS: esbuild bundles it (see README.md beside this file).
const { buildSync } = require('esbuild');
const { join } = require('node:path');

module.exports = function loadEsm(specifier, name) {
  const outfile = join(__dirname, '..', '..', '..', '.cache', 'jest-esm', `${name}-${process.pid}.cjs`);
  buildSync({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: __dirname, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return require(outfile);
};
