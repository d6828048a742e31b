// A Lambda worker for Node.js: runs one function's handler for the local endpoint, warm.
//
// Started by the server (through shepherd.py) as `node bootstrap.mjs` in the function's
// extracted code folder, with the function's environment. It speaks the protocol of
// worker.py: on stdin/stdout, frames of a 4-byte big-endian length then UTF-8 JSON; one request
// frame per invocation, one reply frame {ok, payload, log, exit?} per request. Between
// invocations it blocks reading stdin, which freezes timers as Lambda freezes its sandbox.
// The AWS SDK Lambda bundles comes from the folder named by WS_NODE_SDK (sdkenv.py).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import nodeModule, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Console } from 'node:console';
import { Writable, Readable } from 'node:stream';
import util from 'node:util';
import { installAwslambda, isStreaming, responseStream } from './streaming.mjs';

const SELF = new URL(import.meta.url).pathname;
const root = process.cwd();
let current = null; // the invocation running: {id, log: [], settle}

function readExactly(size) {
  const buffer = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    let n;
    try {
      n = fs.readSync(0, buffer, got, size - got, null);
    } catch (error) {
      if (error.code === 'EAGAIN') continue;
      throw error;
    }
    if (n === 0) return null;
    got += n;
  }
  return buffer;
}

function readFrame() {
  const header = readExactly(4);
  const body = header && readExactly(header.readUInt32BE(0));
  return body && JSON.parse(body.toString('utf8'));
}

function writeFrame(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  const data = Buffer.concat([header, body]);
  for (let sent = 0; sent < data.length;) {
    try {
      sent += fs.writeSync(1, data, sent);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

// What the handler writes goes to the invocation's log, never to the frames on fd 0 and 1.
function capture(text) {
  if (current) current.log.push(String(text));
  else fs.writeSync(2, String(text)); // the server log
}

function installConsole() {
  const sink = new Writable({ write(chunk, _encoding, done) { capture(chunk); done(); } });
  for (const stream of ['stdout', 'stderr']) {
    Object.defineProperty(process, stream, { value: sink, configurable: true });
  }
  Object.defineProperty(process, 'stdin', { value: Readable.from([]), configurable: true });
  globalThis.console = new Console(sink, sink);
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG',
    trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const id = current ? current.id : 'undefined';
      capture(`${new Date().toISOString()}\t${id}\t${level}\t${util.format(...args)}\n`);
    };
  }
}

// AWS-shaped URLs the endpoint answers, as ws/local/urls.py maps them (keep the two alike).
const LOCAL_URLS = [
  [/^https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\/.*)?$/,
    (m) => `/_ws/api/${m[1]}${m[2] || '/'}`],
  [/^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/?$/, () => '/'],
  [/^https:\/\/([A-Za-z0-9]+)\.cloudfront\.net(\/.*)?$/, (m) => `/_ws/cdn/${m[1]}${m[2] || '/'}`],
];

// fetch() of those URLs reaches the local endpoint (the AWS SDK has AWS_ENDPOINT_URL).
function installFetchHook(endpoint) {
  const original = globalThis.fetch;
  if (!original || !endpoint) return;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    for (const [pattern, local] of LOCAL_URLS) {
      const match = url.match(pattern);
      if (match) {
        const target = endpoint.replace(/\/$/, '') + local(match);
        return original(input instanceof Request ? new Request(target, input) : target, init);
      }
    }
    return original(input, init);
  };
}

// https.request() to an API's host (what the AWS SDK v3 does for an ApiGatewayManagementApi
// or any client whose endpoint is https://<id>.execute-api...) reaches the local gateway over
// plain HTTP, Host kept: Node.js 20 ignores HTTPS_PROXY, so the endpoint's proxy is not used.
const API_HOST = /^([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(:443)?$/;

function installHttpsHook(endpoint) {
  if (!endpoint) return;
  const local = new URL(endpoint);
  const toLocal = (options) => {
    const host = String(options.hostname || options.host || '');
    const match = host.match(API_HOST);
    if (!match) return null;
    const { agent, _defaultAgent, createConnection, ...rest } = options; // TLS ones (ws)
    return { ...rest, protocol: 'http:', host: undefined, hostname: local.hostname,
      port: local.port, path: `/_ws/api/${match[1]}${options.path || '/'}`,
      headers: { host: host.replace(/:443$/, ''), ...(options.headers || {}) } };
  };
  for (const name of ['request', 'get']) {
    const original = https[name];
    https[name] = function (input, options, callback) {
      const plain = input && typeof input === 'object' && !(input instanceof URL);
      const mapped = plain ? toLocal(input) : null;
      return mapped ? http[name](mapped, options, callback) : original.apply(this, arguments);
    };
  }
}

// A call the SDK put a host prefix on (StartSyncExecution's `sync-`: its host becomes
// sync-127.0.0.1, which resolves nowhere) reaches the endpoint itself, Host kept.
function installPrefixHook(endpoint) {
  if (!endpoint) return;
  const local = new URL(endpoint);
  const toLocal = (options) => {
    const host = String(options.hostname || options.host || '').replace(/:\d+$/, '');
    const prefix = host.slice(0, -local.hostname.length);
    if (!host.endsWith(local.hostname) || !/^[a-z0-9.-]*[-.]$/i.test(prefix)) return null;
    if (String(options.port || '80') !== (local.port || '80')) return null;
    return { ...options, host: undefined, hostname: local.hostname,
      headers: { host: `${host}:${local.port}`, ...(options.headers || {}) } };
  };
  for (const name of ['request', 'get']) {
    const original = http[name];
    http[name] = function (input, options, callback) {
      const plain = input && typeof input === 'object' && !(input instanceof URL);
      const mapped = plain ? toLocal(input) : null;
      return mapped ? original.call(this, mapped, options, callback)
        : original.apply(this, arguments);
    };
  }
}

// The SDK for functions that do not bring it: NODE_PATH serves require(), these hooks import;
// v2 (aws-sdk) does not read AWS_ENDPOINT_URL, so its shared configuration is set here.
function installSdk() {
  const { WS_NODE_SDK: folder, WS_NODE_SDK_V2: v2, WS_NODE_SDK_ERROR: error } = process.env;
  for (const name of ['WS_NODE_SDK', 'WS_NODE_SDK_V2', 'WS_NODE_SDK_ERROR']) {
    delete process.env[name];
  }
  if (folder && typeof nodeModule.register === 'function') {
    const hooks = pathToFileURL(path.join(path.dirname(SELF), 'sdkresolve.mjs')).href;
    nodeModule.register(hooks, { parentURL: import.meta.url, data: { folder } });
  }
  if (folder && !v2) { // its warning is about the release ws chose, not the function's code
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  }
  if (folder && v2) {
    process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
    try {
      const AWS = createRequire(path.join(folder, 'package.json'))('aws-sdk');
      AWS.config.update({ endpoint: process.env.AWS_ENDPOINT_URL, s3ForcePathStyle: true });
    } catch (failure) {
      return `aws-sdk in ${folder} does not load: ${failure.message.split('\n')[0]}`;
    }
  }
  return error || null;
}

let sdkUnavailable = null; // why the SDK could not be installed, when it could not

// Cannot find module '@aws-sdk/...' says why the SDK is missing when ws could not install it.
function sdkMissing(error) {
  if (!sdkUnavailable || !['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(error?.code)) {
    return null;
  }
  const match = String(error.message)
    .match(/Cannot find (module|package) '(@aws-sdk\/[^'/]+|aws-sdk)/);
  return match && `Error: Cannot find ${match[1]} '${match[2]}': the AWS SDK that Lambda `
    + `bundles could not be installed here (${sdkUnavailable})`;
}

class InitError extends Error {
  constructor(errorType, message) {
    super(message);
    this.errorType = errorType;
  }
}

function findModule(base) {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    if (fs.existsSync(base + extension)) return base + extension;
  }
  return null;
}

// The nearest package.json's "type" decides for a .js file, as Node does. An ES module goes
// through import(): require() of ESM (Node 20.19+) would skip the resolve hooks (sdkresolve).
function isModule(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try { return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module'; } catch {
        return false;
      }
    }
    if (dir === path.dirname(dir) || path.basename(dir) === 'node_modules') return false;
  }
}

async function loadModule(file) {
  if (isModule(file)) return import(pathToFileURL(file).href);
  try {
    return createRequire(file)(file);
  } catch (error) {
    if (error.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    throw error;
  }
}

const handlers = new Map();

async function handlerOf(name) {
  if (handlers.has(name)) return handlers.get(name);
  const slash = name.lastIndexOf('/') + 1;
  const match = name.slice(slash).match(/^([^.]*)\.(.*)$/);
  if (!match) throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, exportPath] = match;
  const file = findModule(path.resolve(root, name.slice(0, slash), moduleName));
  if (!file) {
    throw new InitError('Runtime.ImportModuleError',
      `Error: Cannot find module '${moduleName}'`);
  }
  let found;
  try {
    found = await loadModule(file);
  } catch (error) {
    const type = error instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError'
      : 'Runtime.ImportModuleError';
    throw new InitError(type, sdkMissing(error) || `${error.name}: ${error.message}`);
  }
  for (const part of exportPath.split('.')) found = found == null ? undefined : found[part];
  if (typeof found !== 'function') {
    const what = found === undefined ? 'is undefined or not exported' : 'is not a function';
    throw new InitError('Runtime.HandlerNotFound', `${moduleName}.${exportPath} ${what}`);
  }
  handlers.set(name, found);
  return found;
}

function contextOf(request) {
  const context = {
    functionName: request.function_name, functionVersion: request.version,
    invokedFunctionArn: request.arn, memoryLimitInMB: String(request.memory),
    awsRequestId: request.request_id, logGroupName: request.log_group,
    logStreamName: request.log_stream, callbackWaitsForEmptyEventLoop: true,
    identity: undefined, clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(Math.floor(request.deadline_ms - Date.now()), 0),
  };
  return context;
}

// Callback or promise: the first of the two settles the invocation. A handler that does
// neither answers null once nothing is left to run, as Lambda does.
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => {
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    current.settle = callback;
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (error) => callback(error ?? 'handled');
    const result = handler(event, context, callback);
    if (result && typeof result.then === 'function') {
      result.then((value) => callback(null, value), (error) => callback(error ?? 'rejected'));
    }
  });
}

function errorOf(error) {
  if (!(error instanceof Error)) {
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  }
  const trace = String(error.stack || '').split('\n').filter((line) => !line.includes(SELF));
  return { errorType: error.name, errorMessage: error.message, trace };
}

function outOfMemory(error) {
  return error instanceof RangeError && /allocation failed|out of memory/i.test(error.message);
}

function failure(request, error) {
  if (outOfMemory(error)) {
    const errorMessage = `RequestId: ${request.request_id} Error: Runtime exited with error: `
      + 'signal: killed';
    return { ok: false, exit: true,
      payload: JSON.stringify({ errorType: 'Runtime.OutOfMemory', errorMessage }) };
  }
  const shaped = error instanceof InitError
    ? { errorType: error.errorType, errorMessage: error.message, trace: [] } : errorOf(error);
  const logged = { errorType: shaped.errorType, errorMessage: shaped.errorMessage,
    stack: shaped.trace };
  console.error(`Invoke Error \t${JSON.stringify(logged)}`);
  return { ok: false, payload: JSON.stringify(shaped) };
}

async function invoke(request) {
  current = { id: request.request_id, log: [], settle: null };
  let reply;
  try {
    const handler = await handlerOf(request.handler);
    if (isStreaming(handler)) {
      reply = await streamed(handler, JSON.parse(request.event), contextOf(request));
    } else {
      const result = await run(handler, JSON.parse(request.event), contextOf(request));
      reply = { ok: true, payload: JSON.stringify(result === undefined ? null : result) };
    }
  } catch (error) {
    reply = failure(request, crashed(current) || error);
  }
  if (current.crashed) reply.exit = true;
  reply.log = current.log.join('');
  current = null;
  return reply;
}

// A streaming handler answers what it writes; the response ends when its promise settles, if
// it did not end it itself.
async function streamed(handler, event, context) {
  const out = responseStream();
  await run((e, c) => handler(e, out.stream, c), event, context);
  if (!out.stream.writableEnded) out.stream.end();
  await out.finished;
  return { ok: true, payload_base64: out.bytes().toString('base64') };
}

// An uncaught exception or an unhandled rejection fails the invocation and ends the worker.
function crash(rejection) {
  return (error) => {
    if (!current) return process.exit(1);
    current.crashed = { rejection, error };
    if (current.settle) current.settle(error ?? 'crashed');
  };
}

function crashed(invocation) {
  const { rejection, error } = invocation.crashed || {};
  if (!rejection) return invocation.crashed ? error : null;
  const shaped = errorOf(error);
  const rejected = new Error(`${shaped.errorType}: ${shaped.errorMessage}`);
  rejected.name = 'Runtime.UnhandledPromiseRejection';
  return rejected;
}

async function main() {
  installConsole();
  installAwslambda();
  installFetchHook(process.env.AWS_ENDPOINT_URL);
  installHttpsHook(process.env.AWS_ENDPOINT_URL);
  installPrefixHook(process.env.AWS_ENDPOINT_URL);
  sdkUnavailable = installSdk();
  process.on('uncaughtException', crash(false));
  process.on('unhandledRejection', crash(true));
  process.on('beforeExit', () => { if (current && current.settle) current.settle(null, null); });
  for (let request = readFrame(); request; request = readFrame()) {
    const reply = await invoke(request);
    writeFrame(reply);
    if (reply.exit) process.exit(1);
  }
  process.exit(0);
}

main();
