module.exports = require('../../jest.preset.js').project('simulated-agent', __dirname);
