// Runs a TF.js graph model with TF.js itself (pure-JS CPU backend, no native bindings) on images
// dumped by bench_tfjs_check, preprocessing them exactly as vladmandic/human does, and writes
// the outputs so the C++ side can compare them with Exemplar's libtorch loader.
//
//   node check.js MODEL_JSON DUMP_DIR NAME [RGB_SCALE] [OUTPUT_NODE]
//
// RGB_SCALE: what colour models multiply the resized [0, 1] image by (faceres: 255, as human's
// faceres.ts does); OUTPUT_NODE: the node to read when the model has several outputs.
// DUMP_DIR/index.json: {"images": [{"file": "0000.f32", "height": H, "width": W}, ...]}; each
// file holds H*W*3 little-endian float32 RGB values in [0, 1] (decoded and cropped by Exemplar,
// so both sides start from identical pixels). Writes DUMP_DIR/NAME.tfjs-input.f32 (the
// preprocessed [N, S, S, C] tensor) and DUMP_DIR/NAME.tfjs-output.json ({"shape", "values"}).
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

function loadGraphModel(modelJson) {
  // tf.loadGraphModel('file://...') needs tfjs-node; read the files ourselves instead.
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  const weightSpecs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format,
    generatedBy: json.generatedBy, convertedBy: json.convertedBy,
  }));
}

// As human's emotion/gender modules do: resize (legacy bilinear), weighted gray, (x - 0.5) * 2;
// colour models (faceres) get the resized RGB times rgbScale.
function preprocess(image, size, channels, rgbScale) {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(image, [size, size], false);
    if (channels === 3) return rgbScale === 1 ? resized : tf.mul(resized, rgbScale);
    const [r, g, b] = tf.split(resized, 3, 3);
    const gray = tf.addN([tf.mul(r, 0.2989), tf.mul(g, 0.5870), tf.mul(b, 0.1140)]);
    return tf.mul(tf.sub(gray, 0.5), 2);
  });
}

async function main() {
  const [modelJson, dumpDir, name, scaleArg, outputNode] = process.argv.slice(2);
  const rgbScale = scaleArg ? Number(scaleArg) : 1;
  if (!name) {
    console.error('usage: node check.js MODEL_JSON DUMP_DIR NAME');
    process.exit(64);
  }
  await tf.setBackend('cpu');
  const model = await loadGraphModel(modelJson);
  const [, size, , channels] = model.inputs[0].shape;
  const index = JSON.parse(fs.readFileSync(path.join(dumpDir, 'index.json'), 'utf8'));
  const inputs = [];
  for (const entry of index.images) {
    const bytes = fs.readFileSync(path.join(dumpDir, entry.file));
    const pixels = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const image = tf.tensor4d(pixels.slice(), [1, entry.height, entry.width, 3]);
    inputs.push(preprocess(image, size, channels, rgbScale));
    image.dispose();
  }
  const batch = tf.concat(inputs, 0);
  const output = outputNode ? model.execute(batch, outputNode) : model.predict(batch);
  fs.writeFileSync(path.join(dumpDir, `${name}.tfjs-input.f32`), Buffer.from((await batch.data()).buffer));
  fs.writeFileSync(path.join(dumpDir, `${name}.tfjs-output.json`),
                   JSON.stringify({ shape: output.shape, values: Array.from(await output.data()) }));
  console.log(`${name}: ${index.images.length} images, backend ${tf.getBackend()}, tfjs ${tf.version.tfjs}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
