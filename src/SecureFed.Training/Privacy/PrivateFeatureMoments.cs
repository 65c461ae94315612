// Record-level DP feature moments for standardisation: each client releases, once, the noised
// sums of u_j, u_j^2 and the row count of its rows, where u = (m(x) - m(lo)) / (m(hi) - m(lo))
// uses the public ranges of a FeatureSchema and m clamps to the range and applies the
// feature's log scale if it has one (FeatureSchema.ToUnit). Noise: the discrete Gaussian of Canonne, Kamath
// and Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020 (CKS20).
//
// Grid: gamma = 2^-g (g = 16 by default). Each row's u_j and u_j^2 are rounded to the nearest
// multiple of gamma, so a row contributes an integer vector of d + d + 1 coordinates in
// [0, 2^g] (the last one is the row count, 2^g per row, so that all coordinates share units).
// Adding or removing one row moves the sums by at most Delta = 2^g sqrt(2d + 1) in L2.
// Rounding is deterministic: it depends on the row alone, so the bound holds for every pair
// of neighbouring data sets, and its bias is at most gamma / 2 = 2^-17 of a range.
//
// Noise: each client adds N_Z(0, sigma^2) with sigma >= z Delta to every coordinate by
// itself, so its records stay protected even when every other client colludes with the
// server. For integer-valued queries the discrete Gaussian with sigma = z Delta satisfies
// (alpha, alpha / (2 z^2))-RDP at every order (CKS20, Theorem 7 and Corollary 9), the bound
// of the continuous Gaussian mechanism; the accountant therefore composes one Gaussian
// mechanism of multiplier z per release (RdpAccountant.ComposeGaussian). Sizes: with g = 16,
// sigma^2 = z^2 2^32 (2d + 1) stays below the sampler's 2^80 for z (2d + 1)^(1/2) < 2^24.
//
// Decoding divides the summed coordinates by the noised count, clamps the mean to [0, 1] and
// the standard deviation to [floor, 0.5], and maps both back to the model's scale: raw units,
// or log units for a feature with a log offset, the scale of FeatureSchema.Prepare.
//
// Limitation: as every client adds the whole noise, the aggregate carries K times the variance
// one client needs, and the variances of u (small next to the noise on the second moments)
// come out noise-dominated on data sets of a few hundred rows at single-digit epsilon. The
// clamps keep the result a valid standardisation; FeatureSchema.RangeMoments is the free
// alternative when it is no better.

using System.Numerics;
using SecureFed.Privacy.Sampling;
using SecureFed.Training.Data;

namespace SecureFed.Training.Privacy;

/// <summary>
/// One client's record-level DP release of its features' first and second moments over a
/// <see cref="FeatureSchema"/>, and the decoding of the aggregate of all clients' releases.
/// </summary>
/// <remarks>
/// A release costs each client one Gaussian mechanism of multiplier
/// <see cref="NoiseMultiplier"/> on its own records; tell its DP-SGD about it through
/// <see cref="RecordLevelDpOptions.PriorGaussianNoiseMultiplier"/>. Not thread-safe.
/// </remarks>
public sealed class PrivateFeatureMoments
{
    /// <summary>The default grid: gamma = 2^-16 of a feature's public range.</summary>
    public const int DefaultGridBits = 16;

    /// <summary>
    /// The default floor, in units of a feature's public range, below which an estimated
    /// standard deviation is raised: 0.05.
    /// </summary>
    /// <remarks>
    /// The second moment is noised apart from the mean, so a noisy variance can come out
    /// tiny or negative, and dividing by a tiny scale would blow a feature up by orders of
    /// magnitude. At 0.05 every in-range value standardises to within 20 of zero, while a
    /// genuinely narrow feature, divided by a scale too large, merely keeps a spread below
    /// 1, which training tolerates.
    /// </remarks>
    public const double DefaultStdFloor = 0.05;

    // The largest standard deviation a variable confined to [0, 1] can have (Popoviciu).
    private const double MaxUnitStd = 0.5;

    // The noise multiplier is rounded up to a multiple of 2^-20, so that sigma^2 in grid
    // units is an exact rational at least (z Delta)^2.
    private const int MultiplierFractionBits = 20;

    private const int MaxGridBits = 24;

    private readonly DiscreteGaussianSampler _sampler;

    /// <summary>Creates the mechanism for <paramref name="schema"/>.</summary>
    /// <param name="schema">The federation's public schema.</param>
    /// <param name="noiseMultiplier">z: noise standard deviation over the L2 sensitivity;
    /// positive and finite. See <see cref="NoiseMultiplierForShare"/>.</param>
    /// <param name="gridBits">g, the grid step being 2^-g of a range; in [1, 24].</param>
    /// <exception cref="ArgumentNullException">The schema is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The noise multiplier or the grid is out
    /// of range, or the noise is too large for the sampler.</exception>
    public PrivateFeatureMoments(
        FeatureSchema schema, double noiseMultiplier, int gridBits = DefaultGridBits)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!(noiseMultiplier > 0 && double.IsFinite(noiseMultiplier)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(noiseMultiplier), noiseMultiplier, "Must be positive and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(gridBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gridBits, MaxGridBits);

        Schema = schema;
        NoiseMultiplier = noiseMultiplier;
        GridBits = gridBits;
        Dimension = (2 * schema.FeatureCount) + 1;
        Sensitivity = Math.ScaleB(Math.Sqrt(Dimension), gridBits);

        // sigma^2 = (m / 2^20)^2 (2d + 1) 2^(2g) with m = ceil(z 2^20) >= z 2^20.
        var multiplier =
            (BigInteger)Math.Ceiling(Math.ScaleB(noiseMultiplier, MultiplierFractionBits));
        var numerator = multiplier * multiplier * Dimension * (BigInteger.One << (2 * gridBits));
        var denominator = BigInteger.One << (2 * MultiplierFractionBits);
        _sampler = new DiscreteGaussianSampler(numerator, denominator);
        NoiseStddev = Math.Sqrt((double)numerator / (double)denominator);
    }

    /// <summary>The schema whose ranges bound each row.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>The noise multiplier z that the accountant charges.</summary>
    public double NoiseMultiplier { get; }

    /// <summary>g: coordinates are in units of 2^-g of a feature's range.</summary>
    public int GridBits { get; }

    /// <summary>
    /// The length 2d + 1 of a contribution: d sums of u, d sums of u^2, then the row count,
    /// all in grid units.
    /// </summary>
    public int Dimension { get; }

    /// <summary>Delta = 2^g sqrt(2d + 1): the L2 sensitivity of a contribution, in grid
    /// units, to adding or removing one row.</summary>
    public double Sensitivity { get; }

    /// <summary>sigma: the standard deviation of the noise on each coordinate, in grid
    /// units; at least z Delta (z rounded up to a multiple of 2^-20).</summary>
    public double NoiseStddev { get; }

    /// <summary>
    /// The noise multiplier for which one release alone spends
    /// <paramref name="share"/> times <paramref name="targetEpsilon"/> at
    /// <paramref name="delta"/> (to 1e-4 relative, never less noise).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Epsilon does not add up under composition (RDP does, order by order), so the share is
    /// that of the moments alone; calibrate DP-SGD with
    /// <see cref="DpSgdAccounting.NoiseMultiplierFor(double, double, double, int, double)"/>,
    /// passing the multiplier returned here as the prior, which keeps the total within the
    /// target. The moments then cost training far less than their share suggests, since the
    /// total is decided at large orders where one Gaussian release adds little: at epsilon 3,
    /// delta 1e-5, q = 0.07 and 280 steps, shares of 0.1, 0.3 and 0.5 (z = 12.3, 4.46, 2.79)
    /// raise the DP-SGD multiplier from 1.980 to 1.991, 2.076 and 2.271.
    /// </para>
    /// <para>
    /// The share to choose depends on the rows per client: every client adds the full noise,
    /// so the aggregate carries K sigma^2 per coordinate over K clients, and the error of a
    /// mean is about z sqrt(K (2d + 1)) / n of a range for n rows in all. For wdbc (d = 30,
    /// n = 569, K = 4) at epsilon 3 that is about 0.34 of a range at share 0.1 and 0.12 at
    /// share 0.3: share 0.3 is the better trade there, and the variances stay
    /// noise-dominated at either.
    /// </para>
    /// </remarks>
    /// <param name="targetEpsilon">The client's whole epsilon budget; positive and finite.</param>
    /// <param name="delta">The budget's delta; in (0, 1).</param>
    /// <param name="share">The part of the budget for the moments; in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double NoiseMultiplierForShare(double targetEpsilon, double delta, double share)
    {
        if (!(targetEpsilon > 0 && double.IsFinite(targetEpsilon)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(targetEpsilon), targetEpsilon, "Must be positive and finite.");
        }

        if (!(share > 0 && share < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "Must lie in (0, 1).");
        }

        return DpSgdAccounting.GaussianNoiseMultiplierFor(share * targetEpsilon, delta);
    }

    /// <summary>
    /// This client's release: the sums of u, u^2 and the row count of
    /// <paramref name="data"/> on the grid, each coordinate noised.
    /// </summary>
    /// <param name="data">The client's raw (not standardised) rows.</param>
    /// <returns><see cref="Dimension"/> signed coordinates in grid units.</returns>
    /// <exception cref="ArgumentException">The data set does not match the schema, or a
    /// feature is NaN.</exception>
    public long[] Contribution(TabularDataSet data)
    {
        var sums = RoundedSums(data);
        for (var i = 0; i < sums.Length; i++)
        {
            sums[i] = checked(sums[i] + _sampler.Sample());
        }

        return sums;
    }

    /// <summary>
    /// Decodes the coordinate-wise sum of all clients' contributions into feature means and
    /// scales on the model's scale, for <see cref="TabularDataSet.Standardize"/> of
    /// <see cref="FeatureSchema.Prepare"/>d data.
    /// </summary>
    /// <param name="aggregate">The sum of the contributions, <see cref="Dimension"/> long.</param>
    /// <param name="stdFloor">The least standard deviation, in units of a range; in (0, 0.5].
    /// See <see cref="DefaultStdFloor"/>.</param>
    /// <exception cref="ArgumentException">The aggregate has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The floor is out of range.</exception>
    public FeatureMomentsEstimate Decode(
        ReadOnlySpan<long> aggregate, double stdFloor = DefaultStdFloor)
    {
        if (aggregate.Length != Dimension)
        {
            throw new ArgumentException($"Need {Dimension} coordinates.", nameof(aggregate));
        }

        if (!(stdFloor > 0 && stdFloor <= MaxUnitStd))
        {
            throw new ArgumentOutOfRangeException(
                nameof(stdFloor), stdFloor, "Must lie in (0, 0.5].");
        }

        var featureCount = Schema.FeatureCount;
        var rowCount = Math.ScaleB((double)aggregate[2 * featureCount], -GridBits);

        // With fewer than one row, or a negative count, the noise has swamped the count;
        // dividing by one row keeps the signs, and the clamps below then give a valid
        // standardisation, if a useless one.
        var divisor = Math.ScaleB(Math.Max(rowCount, 1.0), GridBits);
        var unitMean = new double[featureCount];
        var unitStd = new double[featureCount];
        var mean = new float[featureCount];
        var scale = new float[featureCount];
        for (var j = 0; j < featureCount; j++)
        {
            var first = Math.Clamp(aggregate[j] / divisor, 0.0, 1.0);
            var second = aggregate[featureCount + j] / divisor;
            var variance = second - (first * first);
            var std = variance > 0 ? Math.Sqrt(variance) : 0.0;
            unitMean[j] = first;
            unitStd[j] = Math.Clamp(std, stdFloor, MaxUnitStd);

            var range = Schema.Features[j];
            var (low, width) = (range.Low, range.High - range.Low);
            mean[j] = (float)(low + (width * unitMean[j]));
            scale[j] = (float)(width * unitStd[j]);
        }

        return new FeatureMomentsEstimate(mean, scale, unitMean, unitStd, rowCount);
    }

    /// <summary>The contribution before noise: exact integer sums on the grid.</summary>
    internal long[] RoundedSums(TabularDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Schema.CheckMatches(data);
        var featureCount = Schema.FeatureCount;
        var sums = new long[Dimension];
        var unit = new double[featureCount];
        var features = data.Features;
        for (var row = 0; row < data.RowCount; row++)
        {
            Schema.ToUnit(features.Slice(row * featureCount, featureCount), unit);
            for (var j = 0; j < featureCount; j++)
            {
                sums[j] += ToGrid(unit[j]);
                sums[featureCount + j] += ToGrid(unit[j] * unit[j]);
            }

            sums[2 * featureCount] += 1L << GridBits;
        }

        return sums;
    }

    // u and u^2 lie in [0, 1], so the rounded value lies in [0, 2^g]: the bound that the
    // sensitivity counts on. Scaling by a power of two is exact.
    private long ToGrid(double unit) =>
        (long)Math.Round(Math.ScaleB(unit, GridBits), MidpointRounding.ToEven);
}
