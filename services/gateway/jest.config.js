module.exports = require('../../jest.preset.js').project('gateway', __dirname);
