// `@hive/observability/tracing` for built services (sources resolve through tsconfig paths):
// the tracing entry point, kept apart from the index so it loads before what it instruments.
module.exports = require('./dist/tracing');
