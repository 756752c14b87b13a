'use strict';
/**
 * What `require('realtime-saliency-kit')` loads in another project: the kit's
 * TypeScript entry point lib/index.ts, compiled on the fly (the kit has no
 * build step). It registers a ts-node compiler of its own for the kit's lib/
 * files only (transpile-only, with the kit's tsconfig.json), so the kit
 * loads from plain Node and from a project that runs ts-node with its own
 * settings alike, whether the kit is linked (`npm install <path>`) or copied
 * into node_modules. Files outside lib/ pass on to whatever handled them before.
 */
const path = require('path');

require('ts-node').register({
  transpileOnly: true,
  project: path.join(__dirname, 'tsconfig.json'),
  scope: true,
  scopeDir: path.join(__dirname, 'lib'),
  skipIgnore: true,
});

module.exports = require('./lib/index.ts');
