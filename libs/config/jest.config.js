module.exports = require('../../jest.preset.js').project('config', __dirname);
