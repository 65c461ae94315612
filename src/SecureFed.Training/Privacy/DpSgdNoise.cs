// The noise of record-level DP-SGD on a fine grid, following Canonne, Kamath and Steinke,
// "The Discrete Gaussian for Differential Privacy", NeurIPS 2020 (CKS20).
//
// Grid: gamma = C / 2^12, a power-of-two fraction of the clip norm, so that gamma and every
// integer multiple of it below 2^41 C are exact in double. Each clipped per-example gradient
// is rounded to gamma Z coordinate by coordinate (randomized, unbiased); each coordinate moves
// by less than gamma, so a rounded example has L2 norm below C + gamma sqrt(d), and we account
// with the conservative sensitivity Delta = C + gamma (ceil(sqrt(d)) + 1); the extra grid step
// covers the last-bit overshoot of clipping in double. gamma does not depend on z, so the
// overhead Delta / C - 1 is the same at every noise level. The rounded examples are
// summed exactly in integers and N_Z(0, sigma^2 / gamma^2) is added per coordinate with
// sigma >= z Delta, so the accounted noise multiplier is z itself; for d = 62 (logistic
// regression on wdbc) Delta exceeds C by 0.2 %, for d = 2114 (the MLP) by 1.1 %.
//
// Why this is at least as private as the continuous Gaussian of multiplier z:
// - Rounding draws its own randomness, independent of the data. With that randomness fixed,
//   each example adds an integer vector of L2 norm at most Delta / gamma to the grid sum; the
//   output is a mixture over the rounding randomness of such mechanisms, and the Rényi
//   divergence of two mixtures with the same weights is at most the largest divergence among
//   the components (joint quasi-convexity), so rounding costs no more than Delta accounts.
// - For integer shifts mu, CKS20 (Theorem 7 and Corollary 9) give D_alpha(N_Z(mu, s^2) ||
//   N_Z(0, s^2)) <= alpha |mu|^2 / (2 s^2), the continuous Gaussian's RDP, and the MGF bound
//   E[exp(t X)] <= exp(t^2 s^2 / 2) for X ~ N_Z(0, s^2). Under Poisson sampling at an integer
//   order alpha, E_Q[(P/Q)^alpha] expands binomially into E_Q[exp(k L)] with positive
//   coefficients, and each term is at most the continuous Gaussian's by that MGF bound; so the
//   bound of Mironov, Talwar and Zhang (2019) at integer orders covers the discrete noise.
//   DpSgdAccounting therefore uses integer orders only.
// Limitation: the reverse direction (Q against P) is dominated by the forward one for the
// continuous Gaussian (Mironov, Talwar and Zhang, Theorem 5); that the discrete Gaussian
// shares this is assumed here, not proved.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using SecureFed.Privacy.Pipeline;
using SecureFed.Privacy.Sampling;

namespace SecureFed.Training.Privacy;

/// <summary>
/// Per-example clipping, rounding to the grid gamma Z and exact discrete Gaussian noise for
/// one model of <see cref="Dimension"/> parameters. Not thread-safe.
/// </summary>
internal sealed class DpSgdNoise
{
    /// <summary>Grid points per clip norm, as a power of two: gamma = C / 2^12.</summary>
    public const int GridBits = 12;

    /// <summary>Grid points per clip norm.</summary>
    public const int GridPointsPerClip = 1 << GridBits;

    // The noise multiplier is rounded up to a multiple of 2^-20 so that sigma^2 / gamma^2
    // is an exact rational at least (z Delta / gamma)^2.
    private const int MultiplierFractionBits = 20;

    private readonly DiscreteGaussianSampler? _sampler;
    private readonly byte[] _roundingBits;

    /// <summary>
    /// Creates the mechanism with noise of standard deviation at least z Delta; a zero
    /// multiplier adds no noise, which only the tests of rounding use.
    /// </summary>
    public DpSgdNoise(int dimension, double clipNorm, double noiseMultiplier)
    {
        Debug.Assert(dimension > 0 && clipNorm > 0 && noiseMultiplier >= 0);
        Dimension = dimension;
        ClipNorm = clipNorm;
        Gamma = Math.ScaleB(clipNorm, -GridBits);
        SensitivityInGridUnits = GridPointsPerClip + CeilingSquareRoot(dimension) + 1;
        _roundingBits = new byte[dimension * sizeof(ulong)];
        if (noiseMultiplier > 0)
        {
            var multiplier =
                (BigInteger)Math.Ceiling(Math.ScaleB(noiseMultiplier, MultiplierFractionBits));
            var stddevNumerator = multiplier * SensitivityInGridUnits;
            _sampler = new DiscreteGaussianSampler(
                stddevNumerator * stddevNumerator, BigInteger.One << (2 * MultiplierFractionBits));
        }
    }

    /// <summary>The number of coordinates.</summary>
    public int Dimension { get; }

    /// <summary>The clip norm C.</summary>
    public double ClipNorm { get; }

    /// <summary>The grid step gamma.</summary>
    public double Gamma { get; }

    /// <summary>Delta / gamma, the accounted L2 sensitivity of a batch sum in grid units.</summary>
    public long SensitivityInGridUnits { get; }

    /// <summary>The exact variance of the noise in grid units, as a rational.</summary>
    public (BigInteger Numerator, BigInteger Denominator)? GridVariance =>
        _sampler is null ? null : (_sampler.SigmaSquaredNumerator, _sampler.SigmaSquaredDenominator);

    /// <summary>Clips <paramref name="gradient"/> in place to L2 norm C.</summary>
    public void Clip(Span<double> gradient) => L2Clipping.Clip(gradient, ClipNorm);

    /// <summary>
    /// Rounds a clipped gradient to the grid, each coordinate down or up with the probabilities
    /// that keep it unbiased, and adds it to <paramref name="gridSum"/>.
    /// </summary>
    public void AddRounded(ReadOnlySpan<double> clipped, Span<long> gridSum)
    {
        Debug.Assert(clipped.Length == Dimension && gridSum.Length == Dimension);
        RandomNumberGenerator.Fill(_roundingBits);
        for (var i = 0; i < clipped.Length; i++)
        {
            // |clipped[i]| / gamma <= 2^12, so floor and the fraction are exact in double.
            var scaled = clipped[i] / Gamma;
            var floor = Math.Floor(scaled);
            var bits = BinaryPrimitives.ReadUInt64LittleEndian(_roundingBits.AsSpan(i * sizeof(ulong)));
            var uniform = Math.ScaleB(bits >> 11, -53);
            gridSum[i] += (long)floor + (uniform < scaled - floor ? 1 : 0);
        }
    }

    /// <summary>Adds one draw of N_Z(0, sigma^2 / gamma^2) to each coordinate.</summary>
    public void AddNoise(Span<long> gridSum)
    {
        Debug.Assert(gridSum.Length == Dimension);
        if (_sampler is null)
        {
            return;
        }

        for (var i = 0; i < gridSum.Length; i++)
        {
            gridSum[i] = checked(gridSum[i] + _sampler.Sample());
        }
    }

    private static long CeilingSquareRoot(int value)
    {
        var root = (long)Math.Sqrt(value);
        while (root * root > value)
        {
            root--;
        }

        while (root * root < value)
        {
            root++;
        }

        return root;
    }
}
