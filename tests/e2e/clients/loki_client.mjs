// Sends log records with winston-loki, as a Node.js service shipping to Loki would:
//   node loki_client.mjs <base url>/insert <json|protobuf> <tag>
// JSON mode: winston's json format (the line is a JSON object the server unpacks; VL-Msg-Field
// names its message) plus metadata. Protobuf mode: snappy-compressed PushRequest with plain
// lines. Exits non-zero when a push fails or the transport did not use the asked-for encoding.
import winston from 'winston';
import LokiTransport from 'winston-loki';

const [host, mode, tag] = process.argv.slice(2);
const errors = [];
const transport = new LokiTransport({
  host,
  json: mode === 'json',
  batching: true,
  interval: 1,
  labels: { service: 'shop', encoding: mode },
  format: mode === 'json' ? winston.format.json() : winston.format.printf((i) => `${i.level}: ${i.message}`),
  headers: mode === 'json' ? { 'VL-Msg-Field': 'message' } : {},
  replaceTimestamp: false,
  timeout: 10000,
  clearOnError: true,
  onConnectionError: (err) => errors.push(String(err)),
});
const wantType = mode === 'json' ? 'application/json' : 'application/x-protobuf';
if (transport.batcher.contentType !== wantType) {
  console.error(`winston-loki uses ${transport.batcher.contentType}, want ${wantType} (snappy missing?)`);
  process.exit(2);
}
const logger = winston.createLogger({ level: 'debug', transports: [transport] });
logger.info(`order placed ${tag}`, { timestamp: '2025-01-01T00:00:01.250Z', order_id: 'A-17', labels: { tier: 'gold' } });
logger.warn(`payment slow ${tag}`, { timestamp: '2025-01-01T00:00:02Z', latency_ms: 812 });
logger.error(`card declined ${tag}`, { timestamp: '2025-01-01T00:00:03Z', user: { id: 42, country: 'NL' } });
await transport.flush();
transport.close();
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
console.log('sent 3');
