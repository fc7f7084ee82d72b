// Preloaded into the services (NODE_OPTIONS=--require …) by `npm run bench -- --profile`, because
// Node 20 does not allow --cpu-prof in NODE_OPTIONS: records a V8 CPU profile of each service
// (and of the launcher, which is also the gateway) and writes it to $BENCH_PROFILE_DIR/<service>-<pid>.cpuprofile when the process exits.
// Plain CommonJS: it runs inside the services' compiled code, before anything else.
'use strict';
const { writeFileSync } = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const entry = process.argv[1] ?? '';
const service = /\/scripts\/start\.mjs$/.test(entry) ? 'launcher' : /\/([^/]+)\/dist\/index\.js$/.exec(entry)?.[1];
const dir = process.env.BENCH_PROFILE_DIR;
if (service && dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // The in-process session answers synchronously, so this works inside 'exit'.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
