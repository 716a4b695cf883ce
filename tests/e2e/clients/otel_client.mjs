// Sends a few fixed log records with the OpenTelemetry JS logs SDK, as an instrumented Node.js
// service would: node otel_client.mjs <url of /insert/opentelemetry/v1/logs> <proto|json> [gzip|none] [tag]
// `proto` uses @opentelemetry/exporter-logs-otlp-proto (protobuf), `json` the OTLP/HTTP JSON
// exporter. Prints {"exports": [result codes]} and exits non-zero when an export failed.
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

const [url, kind, compression = 'none', tag = 'run'] = process.argv.slice(2);
if (!url || !['proto', 'json'].includes(kind)) {
  console.error('usage: node otel_client.mjs <url> <proto|json> [gzip|none] [tag]');
  process.exit(2);
}
if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
  console.error(`refusing to send to ${url}: loopback only`);
  process.exit(2);
}
// Whatever happens, never hang the test.
setTimeout(() => {
  console.error('timed out');
  process.exit(3);
}, 30000).unref();

const Exporter = kind === 'json' ? JsonExporter : ProtoExporter;
// VL-Msg-Field: the message of a map body is its `message` key (the common ingestion header).
const inner = new Exporter({ url, compression, timeoutMillis: 10000, headers: { 'VL-Msg-Field': 'message' } });
// The SDK swallows export errors into its global handler: record each result to report them.
const results = [];
const exporter = {
  export(records, done) {
    inner.export(records, (result) => {
      results.push({ code: result.code, records: records.length, error: result.error ? String(result.error) : '' });
      done(result);
    });
  },
  forceFlush: () => inner.forceFlush(),
  shutdown: () => inner.shutdown(),
};

const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3', 'e2e.tag': tag }),
  processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 100, scheduledDelayMillis: 60000, exportTimeoutMillis: 15000 })],
});
const logger = provider.getLogger('e2e-library', '0.0.1');

logger.emit({
  severityNumber: SeverityNumber.INFO,
  body: `user logged in ${tag}`,
  attributes: { 'user.id': 42, ratio: 0.5, admin: false, tags: ['a', 'b'], http: { method: 'GET', status: 200 } },
});
logger.emit({
  severityNumber: SeverityNumber.WARN,
  severityText: 'WARNING',
  body: { message: `cache miss ${tag}`, key: 'k1', stats: { hits: 3 } },
  attributes: { component: 'cache' },
});
const spanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
logger.emit({
  severityNumber: SeverityNumber.ERROR,
  body: `payment failed ${tag}`,
  context: trace.setSpanContext(context.active(), spanContext),
});
logger.emit({
  severityNumber: SeverityNumber.DEBUG2,
  body: `explicit time ${tag}`,
  timestamp: new Date('2025-01-01T00:00:05.250Z'),
});

let flushError = '';
try {
  await provider.forceFlush();
} catch (e) {
  flushError = String(e);
}
await provider.shutdown().catch(() => {});
console.log(JSON.stringify({ exports: results, flushError }));
const failed = results.length === 0 || results.some((r) => r.code !== 0) || flushError !== '';
if (failed) {
  console.error(`export failed: ${flushError || results.map((r) => r.error).join('; ') || 'nothing exported'}`);
  process.exit(1);
}
process.exit(0);
