module.exports = require('../../jest.preset.js').project('performance-monitor', __dirname);
