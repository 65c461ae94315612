// T-fold self-convolution of a probability mass function by FFT, after Google's dp_accounting
// (common.py, self_convolve and compute_self_convolve_bounds). The support of the T-fold sum is
// T (n - 1) + 1 points, far more than the sum really occupies, so Chernoff bounds at the orders
// +-k/n, k = 1..20, first bound the indices outside which at most tailMassTruncation / 2 of the
// mass lies on either side. The FFT length is the next power of two above that window; mass
// outside it wraps around (circular convolution) and lands inside the window. Wrapped mass from
// below only moves up in loss, which is pessimistic; wrapped mass from above moves down, so its
// Chernoff bound is returned for the caller to add to the infinity mass.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>Self-convolution of a mass function, with pessimistic tail handling.</summary>
internal static class PmfSelfConvolution
{
    /// <summary>The largest FFT length allowed: two 256 MiB arrays are enough.</summary>
    internal const int MaxLength = 1 << 24;

    private const int ChernoffOrders = 20;

    /// <summary>
    /// The masses of the sum of <paramref name="times"/> independent copies of an index with
    /// masses <paramref name="masses"/>, as a window starting at index Offset, and an upper bound
    /// on the mass of the sum above the window (to be counted as infinite loss).
    /// </summary>
    internal static (double[] Masses, long Offset, double UpperTailBound) Compute(
        double[] masses, int times, double tailMassTruncation)
    {
        Debug.Assert(masses.Length > 0 && times >= 1, "nothing to convolve");
        Debug.Assert(tailMassTruncation > 0 && tailMassTruncation < 1, "bad truncation");

        (long lower, long upper, double upperTail) = Bounds(masses, times, tailMassTruncation);
        long window = upper - lower + 1;
        if (window > MaxLength)
        {
            throw new InvalidOperationException(
                "The composed privacy loss distribution needs more than 2^24 grid points; "
                + "use a coarser discretization.");
        }

        int length = (int)Math.Max(2, BitOperations.RoundUpToPowerOf2((ulong)window));
        var spectrum = new Complex[length];

        // Folding the input modulo the length leaves its DFT at the sampled frequencies as is.
        for (int j = 0; j < masses.Length; j++)
        {
            spectrum[j % length] += masses[j];
        }

        Fft.Transform(spectrum, inverse: false);
        for (int k = 0; k < length; k++)
        {
            spectrum[k] = Power(spectrum[k], times);
        }

        Fft.Transform(spectrum, inverse: true);

        var result = new double[window];
        for (long k = 0; k < window; k++)
        {
            // Round-off leaves values of about 1e-17 around zero; a negative mass means nothing.
            double value = spectrum[(int)((lower + k) % length)].Real;
            result[k] = Math.Max(0.0, value);
        }

        return (result, lower, upperTail);
    }

    // Chernoff: P[S >= k] <= exp(T log M(t) - t k) for t > 0 and P[S <= k] <= exp(T log M(t) - t k)
    // for t < 0, where M is the moment generating function of one index. Orders scale with 1/n,
    // as in dp_accounting, so that t j stays within [-20, 20] and M cannot overflow.
    private static (long Lower, long Upper, double UpperTail) Bounds(
        double[] masses, int times, double tailMassTruncation)
    {
        int n = masses.Length;
        long lower = 0;
        long upper = (long)(n - 1) * times;
        double upperTail = 0.0;
        double logTwoOverTail = Math.Log(2.0 / tailMassTruncation);

        for (int k = -ChernoffOrders; k <= ChernoffOrders; k++)
        {
            if (k == 0 || n == 1)
            {
                continue;
            }

            double order = (double)k / n;
            double mgf = 0.0;
            for (int j = 0; j < n; j++)
            {
                mgf += masses[j] * Math.Exp(order * j);
            }

            double logMgf = Math.Log(mgf);
            double bound = (times * logMgf + logTwoOverTail) / order;
            if (order > 0 && bound < upper)
            {
                upper = (long)Math.Ceiling(bound);
                upperTail = Math.Exp(times * logMgf - order * upper);
            }
            else if (order < 0 && bound > lower)
            {
                lower = (long)Math.Floor(bound);
            }
        }

        Debug.Assert(lower <= upper, "Chernoff bounds crossed");
        return (lower, upper, upperTail);
    }

    // Repeated squaring: log2(times) products, so the error grows with log(times) only.
    private static Complex Power(Complex z, int times)
    {
        Complex result = Complex.One;
        Complex square = z;
        for (int e = times; e > 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                result *= square;
            }

            square *= square;
        }

        return result;
    }
}
