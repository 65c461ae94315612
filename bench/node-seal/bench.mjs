// Reference CKKS micro-benchmark of Microsoft SEAL compiled to WebAssembly (node-seal 6.0.3).
//
// Usage: node bench.mjs [--repetitions R]     (or BENCH_REPETITIONS=R; default 50)
// Prints exactly one JSON object on stdout. Diagnostics go to stderr.

import SEAL from 'node-seal';

const N = 8192;
const COEFF_BITS = [60, 40, 40, 60];
const SCALE_BITS = 40;
const SCALE = 2 ** SCALE_BITS;

function parseRepetitions(argv) {
  let r = process.env.BENCH_REPETITIONS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--repetitions' || a === '-r') {
      r = argv[++i];
    } else if (a.startsWith('--repetitions=')) {
      r = a.slice('--repetitions='.length);
    } else if (/^\d+$/.test(a)) {
      r = a;
    } else {
      throw new Error(`unknown argument: ${a}`);
    }
  }
  const n = r === undefined ? 50 : Number(r);
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid repetitions: ${r}`);
  return n;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function randomSlots(count) {
  const v = new Float64Array(count);
  for (let i = 0; i < count; i++) v[i] = Math.random() * 2 - 1;
  return v;
}

// Mean over slots of -log2(|decoded - original|); an exact slot is capped at 64 bits.
function precisionBits(original, decoded) {
  let sum = 0;
  for (let i = 0; i < original.length; i++) {
    const err = Math.abs(decoded[i] - original[i]);
    sum += err > 0 ? Math.min(64, -Math.log2(err)) : 64;
  }
  return sum / original.length;
}

const round = (x, d = 4) => Number(x.toFixed(d));

async function main() {
  const repetitions = parseRepetitions(process.argv.slice(2));
  const warmup = Math.max(5, Math.ceil(repetitions / 10));

  const seal = await SEAL();
  const owned = []; // SEAL objects to free at the end
  const own = (o) => (owned.push(o), o);

  const parms = own(seal.EncryptionParameters(seal.SchemeType.ckks));
  parms.setPolyModulusDegree(N);
  const coeff = own(seal.CoeffModulus.Create(N, Int32Array.from(COEFF_BITS)));
  parms.setCoeffModulus(coeff);
  const context = own(seal.Context(parms, true, seal.SecurityLevel.tc128));
  if (!context.parametersSet()) throw new Error('SEAL rejected the encryption parameters');

  const keygen = own(seal.KeyGenerator(context));
  const secretKey = own(keygen.secretKey());
  const publicKey = own(keygen.createPublicKey());
  const encoder = own(seal.CKKSEncoder(context));
  // Passing the secret key as well enables encryptSymmetric.
  const encryptor = own(seal.Encryptor(context, publicKey, secretKey));
  const decryptor = own(seal.Decryptor(context, secretKey));
  const evaluator = own(seal.Evaluator(context));

  const slots = encoder.slotCount; // N/2
  const a = randomSlots(slots);
  const b = randomSlots(slots);

  // Reusable destinations, so the timed calls do not allocate wasm objects.
  const ptA = own(seal.PlainText());
  const ptB = own(seal.PlainText());
  const ptOut = own(seal.PlainText());
  const ctPk = own(seal.CipherText());
  const ctSk = own(seal.CipherText());
  const ctB = own(seal.CipherText());
  const ctSum = own(seal.CipherText());

  encoder.encode(b, SCALE, ptB);
  encryptor.encrypt(ptB, ctB);

  const times = { encode: [], encrypt_pk: [], encrypt_sk: [], add: [], decrypt: [], decode: [] };
  const t = (label, fn, record) => {
    const t0 = process.hrtime.bigint();
    const r = fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    if (record) times[label].push(dt);
    return r;
  };

  let decoded;
  for (let i = 0; i < warmup + repetitions; i++) {
    const rec = i >= warmup;
    t('encode', () => encoder.encode(a, SCALE, ptA), rec);
    t('encrypt_pk', () => encryptor.encrypt(ptA, ctPk), rec);
    t('encrypt_sk', () => encryptor.encryptSymmetric(ptA, ctSk), rec);
    t('add', () => evaluator.add(ctPk, ctB, ctSum), rec);
    t('decrypt', () => decryptor.decrypt(ctPk, ptOut), rec);
    decoded = t('decode', () => encoder.decode(ptOut), rec);
  }

  // Precision of a fresh public-key encryption (ctPk holds the last one; decoded is its decode).
  const precision = precisionBits(a, decoded);

  // Sanity check on the homomorphic sum.
  decryptor.decrypt(ctSum, ptOut);
  const sum = encoder.decode(ptOut);
  let maxSumErr = 0;
  for (let i = 0; i < slots; i++) maxSumErr = Math.max(maxSumErr, Math.abs(sum[i] - (a[i] + b[i])));
  if (!(maxSumErr < 1e-3)) throw new Error(`homomorphic add is wrong (max error ${maxSumErr})`);
  decryptor.decrypt(ctSk, ptOut);
  const skPrecision = precisionBits(a, encoder.decode(ptOut));
  if (!(skPrecision > 15)) throw new Error(`secret-key encryption is wrong (${skPrecision} bits)`);

  const bytesNone = ctPk.saveArray(seal.ComprModeType.none).length;
  const bytesDefault = ctPk.saveArray().length; // node-seal default: zstd
  // Secret-key encryption can be serialized seeded (second polynomial replaced by a seed).
  const ser = encryptor.encryptSymmetricSerializable(ptA);
  const bytesSkSeeded = ser.saveArray(seal.ComprModeType.none).length;
  ser.delete();

  for (const o of owned.reverse()) o.delete();

  const result = {
    library: `node-seal ${seal.Version} (Microsoft SEAL, WebAssembly)`,
    node: process.version,
    n: N,
    slots,
    coeff_modulus_bits: COEFF_BITS,
    scale_bits: SCALE_BITS,
    security_level: 'tc128',
    repetitions,
    warmup,
    statistic: 'median',
    encode_ms: round(median(times.encode)),
    encrypt_pk_ms: round(median(times.encrypt_pk)),
    encrypt_sk_ms: round(median(times.encrypt_sk)),
    add_ms: round(median(times.add)),
    decrypt_ms: round(median(times.decrypt)),
    decode_ms: round(median(times.decode)),
    ciphertext_bytes_uncompressed: bytesNone,
    ciphertext_bytes_zstd: bytesDefault,
    ciphertext_bytes_sk_seeded_uncompressed: bytesSkSeeded,
    precision_bits: round(precision, 2),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
