#!/usr/bin/env node
// `npx twinline <command>`: runs the TypeScript CLI through SWC (no build step).
const path = require('node:path');
const root = path.resolve(__dirname, '../../..');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(root, 'tsconfig.json');
require('@swc-node/register');
require(path.join(root, 'tools/cli/src/main.ts'));
