// Exploration for #8 (not part of the product): face-api's expression model, zero-shot on faces-dev.
// The model (npm @vladmandic/face-api 1.7.15, model/face_expression_model*: uint8-quantised weights
// and no topology) is written out here as TF.js ops, as face-api's own source defines it
// (src/faceFeatureExtractor: four dense blocks of separable convolutions on 112x112 RGB minus the
// mean [122.782, 117.001, 104.298], divided by 255; 7x7 average pool; a 256x7 fully connected
// layer; classes neutral, happy, sad, angry, fearful, disgusted, surprised).
//
//   npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz && npm install
//   g++ -O2 dump_faces.cpp -o dump_faces $(pkg-config --cflags --libs opencv4)
//   tail -n +2 $FACES_DEV/labels.csv | cut -d, -f1 > files.txt
//   ./dump_faces files.txt faces112.u8 $FACES_DEV/images     # padded to a square, 112 px RGB
//   node run.js                                              # logits.f32: [2][N][7], face and mirror
//   (pure-JS TF.js: ~40 minutes for faces-dev's 5,589 faces on one core)
'use strict';
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
async function main() {
  await tf.setBackend('cpu');
  const manifest = JSON.parse(fs.readFileSync('package/model/face_expression_model-weights_manifest.json'));
  const bin = fs.readFileSync('package/model/face_expression_model.bin');
  const w = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights);
  const sep = (x, p, s) => tf.add(tf.separableConv2d(x, w[p + '/depthwise_filter'], w[p + '/pointwise_filter'], s, 'same'), w[p + '/bias']);
  const block = (x, d, first) => {
    const out1 = tf.relu(first ? tf.add(tf.conv2d(x, w[d + '/conv0/filters'], [2, 2], 'same'), w[d + '/conv0/bias']) : sep(x, d + '/conv0', [2, 2]));
    const out2 = sep(out1, d + '/conv1', [1, 1]);
    const in3 = tf.relu(tf.add(out1, out2));
    const out3 = sep(in3, d + '/conv2', [1, 1]);
    const in4 = tf.relu(tf.add(out1, tf.add(out2, out3)));
    const out4 = sep(in4, d + '/conv3', [1, 1]);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4))));
  };
  const raw = fs.readFileSync('faces112.u8');
  const n = raw.length / (112 * 112 * 3);
  const out = Buffer.alloc(n * 7 * 4 * 2);
  const feats = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i += 32) {
    const m = Math.min(32, n - i);
    tf.tidy(() => {
      const x = tf.tensor4d(new Uint8Array(raw.buffer, raw.byteOffset + i * 112 * 112 * 3, m * 112 * 112 * 3), [m, 112, 112, 3], 'int32').toFloat();
      for (const [k, img] of [[0, x], [1, tf.reverse(x, 2)]]) {
        const norm = tf.div(tf.sub(img, tf.tensor1d([122.782, 117.001, 104.298])), 255);
        let h = block(norm, 'dense0', true);
        h = block(h, 'dense1'); h = block(h, 'dense2'); h = block(h, 'dense3');
        h = tf.avgPool(h, [7, 7], [2, 2], 'valid').reshape([m, 256]);
        const logits = tf.add(tf.matMul(h, w['fc/weights']), w['fc/bias']);
        const v = logits.dataSync();
        for (let j = 0; j < m * 7; ++j) out.writeFloatLE(v[j], ((k * n * 7) + i * 7 + j) * 4);
      }
    });
    if (i % 640 === 0) console.error(i, (Date.now() - t0) / 1000);
  }
  fs.writeFileSync('logits.f32', out);
}
main();
