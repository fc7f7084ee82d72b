// jose is published as ES modules only: @swc/jest compiles it to CommonJS like the sources.
module.exports = require('../jest.preset.js')(__dirname, {
  database: true,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
});
