module.exports = require('../../jest.preset.js').project('dashboard', __dirname, { testMatch: ['**/*.unit.spec.ts'] });
