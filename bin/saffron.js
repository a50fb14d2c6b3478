#!/usr/bin/env node
// The saffron command line; the code lives in the build output (npm run build).
'use strict';
const { runCli } = require('../dist/src/main/host/cli/main.js');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
