module.exports = require('../../jest.preset.js').project('projections', __dirname);
