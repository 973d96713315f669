// Preloaded with NODE_OPTIONS="--require .../cpu-profile.preload.cjs" (Node refuses --cpu-prof there):
// profiles the whole process with the inspector and writes HIVE_CPU_PROFILE on exit (SIGTERM included).
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const file = process.env.HIVE_CPU_PROFILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(result.profile));
      }
    });
  };
  process.on('exit', write);
  process.prependListener('SIGTERM', write);
}
