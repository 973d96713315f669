module.exports = require('../../jest.preset.js').project('mcp-bridge', __dirname);
