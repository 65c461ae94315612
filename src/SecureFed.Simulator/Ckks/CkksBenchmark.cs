using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.He;

namespace SecureFed.Simulator.Ckks;

/// <summary>
/// Times each CKKS operation the federation uses, single-threaded, and checks precision and
/// the exact threshold integer sum. Every figure is the median of the repetitions, after one
/// untimed warm-up.
/// </summary>
public static class CkksBenchmark
{
    /// <summary>The scale of the precision figure, as in SEAL's examples.</summary>
    public const double PrecisionScale = 1L << 40;

    /// <summary>
    /// The scale, at most 2^80, of the exact threshold sum of <paramref name="clients"/>
    /// 20-bit integers decrypted by three custodians, or 0 when Q cannot hold it.
    /// </summary>
    public static int IntegerScaleBits(CkksParameters parameters, int clients) =>
        HeScale.ScaleBits(parameters, clients, valueBits: 20, custodians: 3);

    /// <summary>Runs the benchmark at ring degree <paramref name="n"/>.</summary>
    /// <param name="n">The ring degree, 4096 to 32768.</param>
    /// <param name="repetitions">Timed repetitions per figure, at least 1.</param>
    /// <param name="exactSumClients">Clients in the exact threshold sum, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static CkksBenchReport Run(int n, int repetitions, int exactSumClients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(exactSumClients, 1);
        CkksParameters parameters = CkksParameters.CreateDefault(n);
        var context = new CkksContext(parameters);
        var encoder = new CkksEncoder(context);
        var random = new Random(20261203);

        using CkksSecretKey secretKey = CkksSecretKey.Generate(context);
        CkksPublicKey publicKey = CkksPublicKey.Generate(secretKey);
        var encryptor = new CkksEncryptor(publicKey);
        var symmetric = new CkksEncryptor(secretKey);
        var decryptor = new CkksDecryptor(secretKey);

        double[] values = RandomUnit(random, encoder.SlotCount);
        long[] integers = new long[n];
        for (int j = 0; j < n; j++)
        {
            integers[j] = random.NextInt64(-(1L << 20), 1L << 20);
        }

        CkksPlaintext plaintext = encoder.Encode(values, PrecisionScale);
        CkksCiphertext ciphertext = encryptor.Encrypt(plaintext);
        CkksCiphertext accumulator = ciphertext.Clone();
        CkksPlaintext decrypted = decryptor.Decrypt(ciphertext);
        byte[] serialized = CkksSerializer.Serialize(ciphertext);

        double encode = Median(repetitions, () => encoder.Encode(values, PrecisionScale));
        int scaleBits = IntegerScaleBits(parameters, exactSumClients);

        // 20-bit integers at the exact sum's scale, or, when Q is too short for that sum
        // (N = 4096), at the largest scale that still holds them.
        int coefficientScaleBits = scaleBits > 0
            ? scaleBits
            : Math.Max(0, parameters.CiphertextModulusBitCount - 23);
        double encodeCoefficients = Median(
            repetitions,
            () => encoder.EncodeCoefficients(integers, Math.ScaleB(1, coefficientScaleBits)));
        double encryptPk = Median(repetitions, () => encryptor.Encrypt(plaintext));
        double encryptSk = Median(repetitions, () => symmetric.EncryptSymmetric(plaintext));
        double add = Median(repetitions, () => CkksEvaluator.AddInPlace(accumulator, ciphertext));
        double decrypt = Median(repetitions, () => decryptor.Decrypt(ciphertext));
        double decode = Median(repetitions, () => encoder.Decode(decrypted));
        double serialize = Median(repetitions, () => CkksSerializer.Serialize(ciphertext));
        double deserialize = Median(
            repetitions, () => CkksSerializer.DeserializeCiphertext(context, serialized));
        (double share, double combine) = TimeThresholdDecryption(
            context, encryptor, plaintext, repetitions);

        CkksCiphertext seeded = symmetric.EncryptSymmetric(plaintext);
        int bytes = serialized.Length;
        int unpacked = 2 * parameters.ModulusCount * n * sizeof(ulong);
        return new CkksBenchReport
        {
            N = n,
            PrimeBits = parameters.Primes.Select(p => 64 - ulong.LeadingZeroCount(p))
                .Select(b => (int)b).ToArray(),
            SpecialPrimeBits = 64 - (int)ulong.LeadingZeroCount(parameters.SpecialPrime),
            LogQ = parameters.CiphertextModulusBitCount,
            LogQp = parameters.ModulusBitCount,
            LogQBound128 = CkksParameters.MaxModulusBits128(n),
            Repetitions = repetitions,
            Avx2 = Avx2.IsSupported,
            EncodeMs = encode,
            EncodeCoefficientsMs = encodeCoefficients,
            EncodeCoefficientsScaleBits = coefficientScaleBits,
            EncryptPkMs = encryptPk,
            EncryptSkMs = encryptSk,
            AddMs = add,
            DecryptMs = decrypt,
            DecryptShareMs = share,
            CombineMs = combine,
            DecodeMs = decode,
            SerializeMs = serialize,
            DeserializeMs = deserialize,
            CiphertextBytes = bytes,
            CiphertextBytesUnpacked = unpacked,
            CiphertextBytesSeeded = CkksSerializer.Serialize(seeded).Length,
            Slots = encoder.SlotCount,
            CoefficientValues = n,
            BytesPerValueSlots = Math.Round((double)bytes / encoder.SlotCount, 2),
            BytesPerValueCoefficients = Math.Round((double)bytes / n, 2),
            PrecisionBits = Math.Round(
                MeanPrecisionBits(values, encoder.Decode(decryptor.Decrypt(ciphertext))), 2),
            ExactSumClients = exactSumClients,
            ExactSumScaleBits = scaleBits,
            ExactThresholdSum = scaleBits > 0
                ? ExactThresholdSum(context, encoder, exactSumClients, scaleBits, random)
                : null,
        };
    }

    /// <summary>Mean over the values of -log2 of the absolute error.</summary>
    public static double MeanPrecisionBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        double total = 0;
        for (int j = 0; j < expected.Length; j++)
        {
            // An exact value would be infinitely precise; 2^-64 caps what one slot adds.
            double error = Math.Max(Math.Abs(expected[j] - actual[j]), Math.ScaleB(1, -64));
            total -= Math.Log2(error);
        }

        return total / expected.Length;
    }

    /// <summary>
    /// Encrypts <paramref name="clients"/> vectors of N 20-bit integers at scale
    /// 2^<paramref name="scaleBits"/> under a 3-of-5 collective key, adds them, decrypts with
    /// custodians 1, 3 and 5 and compares the rounded result with the integer sum.
    /// </summary>
    public static bool ExactThresholdSum(
        CkksContext context, CkksEncoder encoder, int clients, int scaleBits, Random random)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(random);
        var committee = new CkksCommittee([1, 2, 3, 4, 5], threshold: 3);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) =
            ThresholdKeyGeneration.Run(context, committee);
        var encryptor = new CkksEncryptor(publicKey);
        int n = context.RingDegree;

        var expected = new long[n];
        var input = new long[n];
        CkksCiphertext? aggregate = null;
        for (int c = 0; c < clients; c++)
        {
            for (int j = 0; j < n; j++)
            {
                input[j] = random.NextInt64(-(1L << 19), 1L << 19);
                expected[j] += input[j];
            }

            CkksCiphertext contribution = encryptor.Encrypt(
                encoder.EncodeCoefficients(input, Math.ScaleB(1, scaleBits)));
            if (aggregate is null)
            {
                aggregate = contribution;
            }
            else
            {
                CkksEvaluator.AddInPlace(aggregate, contribution);
            }
        }

        int[] participants = [1, 3, 5];
        CkksDecryptionShare[] shares = participants
            .Select(id => new CkksThresholdCustodian(keyShares.Single(s => s.CustodianId == id))
                .CreateDecryptionShare(aggregate!, participants))
            .ToArray();
        long[] decoded = encoder.DecodeCoefficientsToIntegers(
            CkksThresholdDecryption.Combine(aggregate!, shares));
        foreach (CkksThresholdKeyShare keyShare in keyShares)
        {
            keyShare.Dispose();
        }

        return decoded.AsSpan().SequenceEqual(expected);
    }

    private static (double Share, double Combine) TimeThresholdDecryption(
        CkksContext context, CkksEncryptor encryptor, CkksPlaintext plaintext, int repetitions)
    {
        // The collective key of this committee is not the benchmark's key, but the cost of a
        // share does not depend on which key encrypted the ciphertext.
        var committee = new CkksCommittee([1, 2, 3, 4, 5], threshold: 3);
        (_, CkksThresholdKeyShare[] keyShares) = ThresholdKeyGeneration.Run(context, committee);
        int[] participants = [1, 2, 3];
        CkksThresholdCustodian[] custodians = participants
            .Select(id => new CkksThresholdCustodian(keyShares.Single(s => s.CustodianId == id)))
            .ToArray();

        // A custodian answers once per ciphertext, so each repetition encrypts a fresh one,
        // outside the timed part, as it does the other custodians' shares.
        CkksCiphertext last = encryptor.Encrypt(plaintext);
        CkksDecryptionShare[] lastShares = [];
        double share = Median(repetitions, () =>
        {
            last = encryptor.Encrypt(plaintext);
            CkksCiphertext target = last;
            CkksDecryptionShare[] others = [.. custodians.Skip(1).Select(
                c => c.CreateDecryptionShare(target, participants))];
            long start = Stopwatch.GetTimestamp();
            CkksDecryptionShare first = custodians[0].CreateDecryptionShare(target, participants);
            long elapsed = Stopwatch.GetTimestamp() - start;
            lastShares = [first, .. others];
            return elapsed;
        });

        CkksCiphertext finalCiphertext = last;
        CkksDecryptionShare[] finalShares = lastShares;
        double combine = Median(
            repetitions, () => CkksThresholdDecryption.Combine(finalCiphertext, finalShares));
        foreach (CkksThresholdKeyShare keyShare in keyShares)
        {
            keyShare.Dispose();
        }

        return (share, combine);
    }

    private static double[] RandomUnit(Random random, int count)
    {
        var values = new double[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = (2 * random.NextDouble()) - 1;
        }

        return values;
    }

    private static double Median(int repetitions, Action action) =>
        Median(repetitions, () =>
        {
            long start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetTimestamp() - start;
        });

    private static double Median(int repetitions, Func<long> timed)
    {
        timed();
        var ticks = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            ticks[r] = timed();
        }

        Array.Sort(ticks);
        double median = repetitions % 2 == 1
            ? ticks[repetitions / 2]
            : (ticks[(repetitions / 2) - 1] + ticks[repetitions / 2]) / 2;
        return Math.Round(median * 1000.0 / Stopwatch.Frequency, 4);
    }
}
