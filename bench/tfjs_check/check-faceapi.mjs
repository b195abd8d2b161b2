// Runs face-api's own expression network (npm @vladmandic/face-api, its bundled TF.js on the pure-JS
// CPU backend) on the images dumped by bench_tfjs_check, with face-api's own preprocessing
// (NetInput.toBatchTensor: pad to a square, resize to 112) and its own network code
// (FaceExpressionNet.predictExpressions), so Exemplar's graph for that network
// (core/learning/tfjs/FaceApiExpressionGraph.h) is checked against the library it was written from.
//
//   node check-faceapi.mjs MANIFEST_JSON DUMP_DIR NAME
//
// DUMP_DIR/index.json as check.js reads it (RGB floats in [0, 1], already square). Writes
// DUMP_DIR/NAME.tfjs-input.f32 (face-api's [N, 112, 112, 3] input, 0..255) and
// DUMP_DIR/NAME.tfjs-output.json ({"shape", "values"}: the seven probabilities in face-api's order).
import fs from 'fs';
import path from 'path';

// face-api's ESM bundle is a browser build: as a "browser" it uses the global TextEncoder and
// fetch that Node 20 has, instead of Node's util module its bundler left out. Nothing is drawn.
globalThis.window = globalThis;
globalThis.document = { createElement: () => ({ getContext: () => null }) };
const faceapi = await import('@vladmandic/face-api/dist/face-api.esm.js');
const tf = faceapi.tf;
const classes = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];

async function main() {
  const [manifestPath, dumpDir, name] = process.argv.slice(2);
  if (!name) {
    console.error('usage: node check-faceapi.mjs MANIFEST_JSON DUMP_DIR NAME');
    process.exit(64);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const dir = path.dirname(manifestPath);
  const all = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
  const weights = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
                                      manifest.flatMap((g) => g.weights));
  const net = faceapi.nets.faceExpressionNet;
  net.loadFromWeightMap(weights);

  const index = JSON.parse(fs.readFileSync(path.join(dumpDir, 'index.json'), 'utf8'));
  const inputs = [];
  const values = [];
  for (const entry of index.images) {
    const bytes = fs.readFileSync(path.join(dumpDir, entry.file));
    const pixels = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const image = tf.tidy(() => tf.mul(tf.tensor3d(pixels.slice(), [entry.height, entry.width, 3]), 255));
    const netInput = await faceapi.toNetInput(image);
    inputs.push(netInput.toBatchTensor(112, true));
    const expressions = await net.predictExpressions(image);
    values.push(...classes.map((c) => expressions[c]));
    image.dispose();
  }
  const batch = tf.concat(inputs, 0);
  fs.writeFileSync(path.join(dumpDir, `${name}.tfjs-input.f32`), Buffer.from((await batch.data()).buffer));
  fs.writeFileSync(path.join(dumpDir, `${name}.tfjs-output.json`),
                   JSON.stringify({ shape: [index.images.length, classes.length], values }));
  console.log(`${name}: ${index.images.length} images, face-api ${faceapi.version}, backend ${tf.getBackend()}, tfjs ${tf.version_core}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
