// Resolve hooks (module.register) for ES modules: the AWS SDK that Lambda bundles, from the
// folder ws installed it in, when the function's own node_modules do not hold it. CommonJS
// finds the same folder through NODE_PATH; ES modules ignore NODE_PATH, hence these hooks.
import { pathToFileURL } from 'node:url';

const BUNDLED = /^(@aws-sdk\/|@smithy\/|aws-sdk(\/|$))/;
let parentURL = null; // a file in the folder whose node_modules holds the SDK

export function initialize(data) {
  parentURL = pathToFileURL(`${data.folder}/package.json`).href;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !parentURL || !BUNDLED.test(specifier)) {
      throw error;
    }
    return nextResolve(specifier, { ...context, parentURL });
  }
}
