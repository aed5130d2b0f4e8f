// Jest runs each test file in its own V8 context, whose typed-array constructors differ from the
// ones onnxruntime-node's native code uses; its `instanceof BigInt64Array` checks then fail for
// int64 outputs of sessions created inside tests (in-process runners, reference runs). This
// environment shares the outer typed-array constructors with the test context.
const { dirname } = require('node:path');
const { TestEnvironment } = require(require.resolve('jest-environment-node', { paths: [dirname(require.resolve('jest'))] }));

const kTypedArrays = ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of kTypedArrays) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
