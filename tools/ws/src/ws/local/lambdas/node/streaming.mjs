// Lambda's response streaming for Node.js: the `awslambda` global its runtime provides
// (streamifyResponse, HttpResponseStream.from). A streaming handler is called with
// (event, responseStream, context); what it writes is the invocation's answer, as bytes.
import { Writable } from 'node:stream';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const DELIMITER = new Uint8Array(8); // after an HTTP response's metadata prelude

class HttpResponseStream {
  static from(stream, prelude) {
    if (typeof stream.setContentType === 'function') {
      stream.setContentType('application/vnd.awslambda.http-integration-response');
    }
    stream.write(JSON.stringify(prelude ?? {}));
    stream.write(DELIMITER);
    return stream;
  }
}

export function installAwslambda() {
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream,
  };
}

export function isStreaming(handler) {
  return handler[STREAMING] === 'response';
}

// A writable that keeps what is written; `finished` settles when it ends.
export function responseStream() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
      done();
    },
  });
  stream.setContentType = () => {};
  const finished = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  return { stream, finished, bytes: () => Buffer.concat(chunks) };
}
