#!/usr/bin/env node
// The rivulet/node log server from the command line: topics over WebSocket, SSE and HTTP for the
// `websocket` and `sse` sources (and the demo's feed). Needs the built package (`npm run build`).
//
//   node scripts/log-server.mjs --port 7070 --storage level://.rivulet/log --topic events:4
//
// Options: --host (default 127.0.0.1), --port (default 7070; 0 picks a free one), --storage
// ('memory', 'memory://<name>' or 'level://<dir>'; default level://.rivulet/log), --topic
// name:partitions (repeatable), --partitions N (of topics created by their first produce;
// default 1). Ctrl-C (or SIGTERM) closes it cleanly.
import { parseArgs } from 'node:util';
import { startLogServer } from '../dist/node/index.js';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7070' },
    storage: { type: 'string', default: 'level://.rivulet/log' },
    topic: { type: 'string', multiple: true, default: [] },
    partitions: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log('usage: node scripts/log-server.mjs [--host 127.0.0.1] [--port 7070] [--storage level://<dir> | memory] [--topic name:partitions ...] [--partitions N]');
  process.exit(0);
}

const fail = (message) => {
  console.error(`log-server: ${message}`);
  process.exit(2);
};

const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got '${args.port}'`);
const defaultPartitions = Number(args.partitions);
if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) fail(`--partitions must be a positive integer, got '${args.partitions}'`);
const topics = {};
for (const spec of args.topic) {
  const m = /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) fail(`--topic takes name:partitions, got '${spec}'`);
  topics[m[1]] = m[2] === undefined ? defaultPartitions : Number(m[2]);
}

let server;
try {
  server = await startLogServer({ host: args.host, port, storage: args.storage, topics, defaultPartitions });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

console.log(`rivulet log server (storage ${args.storage})`);
console.log(`  websocket source: .option('url', '${server.wsUrl}')`);
console.log(`  sse source:       .option('url', '${server.url}')`);
console.log(`  topics:           ${server.url}/topics`);
console.log(`  produce:          curl -X POST ${server.url}/topics/<topic>/records -d '[{"key":"k","value":"v"}]'`);

let closing = false;
const shutdown = async (signal) => {
  if (closing) return;
  closing = true;
  console.log(`\n${signal}: closing`);
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
