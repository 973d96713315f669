module.exports = require('../../jest.preset.js').project('agent-manager', __dirname);
