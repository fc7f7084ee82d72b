// Cross-service tests start real processes; each file raises its own time-out (jest.setTimeout).
module.exports = require('../jest.preset.js')(__dirname, { database: true });
