// Shared Jest settings: swc compiles TypeScript (with decorator metadata for
// NestJS and class-validator); @hive/* imports resolve to library sources so
// tests never need a build first.
const path = require('node:path');
const fs = require('node:fs');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@hive/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  setupFiles: ['reflect-metadata'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** Jest config for one project: the shared settings, its name, and the workspace summary reporter. */
const project = (displayName, rootDir, extra = {}) => ({
  ...base,
  displayName,
  rootDir,
  reporters: ['default', [path.join(__dirname, 'tools/jest/summary-reporter.js'), { project: displayName }]],
  ...extra,
});

module.exports = { project };
