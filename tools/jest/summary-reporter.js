// Writes each Jest run's counts to .hive/test-results/<project>.json so
// scripts/test.sh can print one total line for the whole workspace.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options) {
    this.project = (options && options.project) || 'unknown';
  }

  onRunComplete(_contexts, results) {
    const dir = path.resolve(__dirname, '../../.hive/test-results');
    fs.mkdirSync(dir, { recursive: true });
    const summary = {
      project: this.project,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, `${this.project}.json`), JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
