module.exports = require('../../jest.preset.js').project('coordinator', __dirname);
