// Sends documents with the official Elasticsearch client's bulk helper, as a shipper written
// against Elasticsearch would: node es_bulk.mjs <base url>/insert/elasticsearch <docs json file>
// Prints the helper's stats as JSON.
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';

const [url, file] = process.argv.slice(2);
const docs = JSON.parse(readFileSync(file, 'utf8'));
const client = new Client({ node: url, requestTimeout: 20000, maxRetries: 0 });
const failed = [];
const stats = await client.helpers.bulk({
  datasource: docs,
  onDocument: () => ({ create: { _index: 'logs' } }),
  onDrop: (d) => failed.push({ status: d.status, reason: d.error?.reason ?? '' }),
  retries: 0,
  flushBytes: 4096,
});
const info = await client.info();
console.log(JSON.stringify({ total: stats.total, successful: stats.successful, failed: stats.failed, dropped: failed,
  version: info.version.number }));
await client.close();
