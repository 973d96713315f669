module.exports = require('../../jest.preset.js').project('event-store', __dirname);
