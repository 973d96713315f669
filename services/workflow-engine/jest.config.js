module.exports = require('../../jest.preset.js').project('workflow-engine', __dirname);
