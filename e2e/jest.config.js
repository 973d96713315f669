module.exports = require('../jest.preset.js').project('e2e', __dirname, { testTimeout: 60_000 });
