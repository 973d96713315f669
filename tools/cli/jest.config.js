module.exports = require('../../jest.preset.js').project('cli', __dirname);
