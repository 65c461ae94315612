using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

/// <summary>Shared helpers for CKKS tests that work on raw polynomials.</summary>
internal static class CkksTestKit
{
    /// <summary>A small context for fast tests: not secure, by design.</summary>
    public static CkksContext SmallContext(int n = 1024, params int[] bits) =>
        new(CkksParameters.UnsafeCreateWithoutSecurityCheck(n, bits.Length == 0 ? [50, 50] : bits));

    /// <summary>A plaintext whose coefficients are the given integers, in NTT form.</summary>
    public static CkksPlaintext CoefficientPlaintext(
        CkksContext context, long[] coefficients, double scale = 1)
    {
        var polynomial = new RnsPolynomial(context, isNttForm: false);
        polynomial.SetSmallCoefficients(coefficients);
        polynomial.ToNttForm();
        return new CkksPlaintext(polynomial, scale, CkksEncoding.Coefficients);
    }

    /// <summary>
    /// The centred coefficients of a plaintext, read from the first prime only: valid while
    /// every coefficient is below half of that prime in magnitude.
    /// </summary>
    public static long[] CentredCoefficients(CkksPlaintext plaintext)
    {
        RnsPolynomial copy = plaintext.Polynomial.Clone();
        copy.ToCoefficientForm();
        ulong q = copy.Context.Parameters.Primes[0];
        Span<ulong> row = copy.Residues(0);
        var result = new long[row.Length];
        for (int j = 0; j < row.Length; j++)
        {
            result[j] = row[j] > q / 2 ? -(long)(q - row[j]) : (long)row[j];
        }

        return result;
    }

    public static long[] RandomIntegers(Random random, int count, long bound)
    {
        var values = new long[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = random.NextInt64(-bound, bound + 1);
        }

        return values;
    }

    public static long MaxDistance(long[] a, long[] b)
    {
        long max = 0;
        for (int j = 0; j < a.Length; j++)
        {
            max = Math.Max(max, Math.Abs(a[j] - b[j]));
        }

        return max;
    }
}
