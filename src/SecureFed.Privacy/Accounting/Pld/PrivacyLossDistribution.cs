// Discretised privacy loss distribution after Google's dp_accounting (privacy_loss_distribution.py
// and pld_pmf.py, DensePLDPmf; Koskela, Jälkö, Honkela 2020; Meiser and Mohammadi 2018): masses
// on the grid of losses i h, h the discretisation interval (default 1e-4), plus an infinity mass.
// Pessimistic throughout, so that epsilon and delta are upper bounds:
//  - by default the masses are those of connect-the-dots (Doroshenko, Ghazi, Kamath, Kumar and
//    Manurangsi, "Connect the Dots: Tighter Discrete Approximations of Privacy Loss
//    Distributions", PETS 2022; dp_accounting's use_connect_dots = True): the one distribution
//    on the grid whose delta(eps) equals the mechanism's at every grid point and is linear in
//    e^eps between them. The true curve is convex in e^eps, so the chords lie above it, and
//    nothing accumulates over composition;
//  - otherwise every loss is rounded up to the grid (dp_accounting's pessimistic_estimate);
//  - tails of log mass below -50 (log_mass_truncation_bound) are cut: the upper one goes to the
//    infinity mass, the lower one onto the lowest grid point kept;
//  - after composition, tails of mass 1e-15 / 2 (tail_mass_truncation) are cut the same way.
// Composition of T identical steps: FFT self-convolution (PmfSelfConvolution); the infinity mass
// becomes 1 - (1 - p_inf)^T. delta(eps) = p_inf + sum over l > eps of (1 - e^(eps - l)) p(l).

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>A privacy loss distribution on a uniform grid, with an infinity mass.</summary>
internal sealed class PrivacyLossDistribution
{
    /// <summary>dp_accounting's default log_mass_truncation_bound.</summary>
    internal const double LogMassTruncationBound = -50.0;

    /// <summary>dp_accounting's default tail_mass_truncation for composition.</summary>
    internal const double TailMassTruncation = 1e-15;

    private readonly double[] _masses;

    private PrivacyLossDistribution(
        double[] masses, long lowerIndex, double discretization, double infinityMass)
    {
        _masses = masses;
        LowerIndex = lowerIndex;
        Discretization = discretization;
        InfinityMass = Math.Min(1.0, infinityMass);
    }

    /// <summary>Grid index of the first mass: its loss is LowerIndex times the interval.</summary>
    internal long LowerIndex { get; }

    /// <summary>The grid interval h.</summary>
    internal double Discretization { get; }

    /// <summary>Mass of infinite privacy loss.</summary>
    internal double InfinityMass { get; }

    /// <summary>Number of grid points held.</summary>
    internal int Count => _masses.Length;

    /// <summary>Mass at the k-th grid point held.</summary>
    internal double MassAt(int k) => _masses[k];

    /// <summary>Loss at the k-th grid point held.</summary>
    internal double LossAt(int k) => (LowerIndex + k) * Discretization;

    /// <summary>
    /// Pessimistic discretisation of <paramref name="privacyLoss"/> on the grid of interval
    /// <paramref name="discretization"/>, by <paramref name="scheme"/>.
    /// </summary>
    internal static PrivacyLossDistribution FromPrivacyLoss(
        PrivacyLoss privacyLoss,
        double discretization,
        PldDiscretisation scheme = PldDiscretisation.ConnectTheDots)
    {
        Debug.Assert(double.IsFinite(discretization) && discretization > 0, "bad interval");
        double h = discretization;

        // Grid points beyond which each tail holds at most e^-50. The two cannot meet: the
        // masses below the lower and above the upper one sum to 1 otherwise.
        double top = Crossing(l => privacyLoss.LogSurvival(l) <= LogMassTruncationBound, h);
        double bottom = -Crossing(m => privacyLoss.LogCdf(-m) <= LogMassTruncationBound, h);
        long upperIndex = CheckedIndex(Math.Ceiling(top / h));
        long lowerIndex = CheckedIndex(Math.Floor(bottom / h));
        Debug.Assert(lowerIndex < upperIndex, "truncation points crossed");
        long count = upperIndex - lowerIndex + 1;
        if (count > PmfSelfConvolution.MaxLength)
        {
            throw new InvalidOperationException(
                "The privacy loss distribution needs more than 2^24 grid points; use a coarser "
                + "discretization.");
        }

        return scheme == PldDiscretisation.ConnectTheDots
            ? ConnectTheDots(privacyLoss, lowerIndex, (int)count, h)
            : RoundUp(privacyLoss, lowerIndex, (int)count, h);
    }

    // Connect-the-dots masses (Doroshenko et al. 2022). On the segment from grid
    // point k to k + 1 the discrete delta is A_k - e^eps B_k, with A_k and B_k the sums of p and
    // of e^-l p over the points above it (A_k with the infinity mass); matching the true delta at
    // both ends fixes them, and p_k = e^l_k (B_(k-1) - B_k). With s_k = e^l_k B_k this is
    // p_k = e^h s_(k-1) - s_k and s_k = (delta_k - delta_(k+1)) / (e^h - 1): no e^l to overflow.
    // Below zero, delta is 1 - e^eps plus something small and its differences would lose the
    // masses of the lower tail, so there delta'(eps) = e^eps Q[L <= eps] - P[L <= eps], which is
    // delta(eps) - (1 - e^eps), is used instead; the two agree at eps = 0. Its scaled slope is
    // s'_k = e^l_k - s_k. The top point's delta, all of which lies above it, becomes the
    // infinity mass; all that lies below the bottom point is placed on it.
    private static PrivacyLossDistribution ConnectTheDots(
        PrivacyLoss privacyLoss, long lowerIndex, int count, double h)
    {
        Debug.Assert(privacyLoss.HasLowerLaw, "connect-the-dots needs the law under Q");
        Debug.Assert(lowerIndex < 0 && lowerIndex + count - 1 > 0, "grid must straddle zero");
        int zero = (int)-lowerIndex;

        var values = new double[count];
        for (int k = 0; k < count; k++)
        {
            double loss = (lowerIndex + k) * h;
            values[k] = k < zero
                ? Difference(
                    loss + privacyLoss.LogLowerCdf(loss), privacyLoss.LogCdf(loss))
                : Difference(
                    privacyLoss.LogSurvival(loss), loss + privacyLoss.LogLowerSurvival(loss));
        }

        // slopes[k] is s'_k on segments below zero and s_k from zero on; past the top, s = 0.
        double expM1H = LogMath.ExpM1(h);
        double expH = Math.Exp(h);
        var slopes = new double[count];
        for (int k = 0; k < count - 1; k++)
        {
            slopes[k] = k < zero
                ? (values[k + 1] - values[k]) / expM1H
                : (values[k] - values[k + 1]) / expM1H;
        }

        var masses = new double[count];
        masses[0] = Math.Max(0.0, slopes[0] - values[0]);
        for (int k = 1; k < count; k++)
        {
            // At zero the segment below is in the primed form: e^h s_(k-1) = 1 - e^h s'_(k-1).
            double mass = k < zero ? slopes[k] - (expH * slopes[k - 1])
                : k == zero ? 1.0 - (expH * slopes[k - 1]) - slopes[k]
                : (expH * slopes[k - 1]) - slopes[k];

            // Round-off in the second differences can leave tiny negatives where the true mass
            // is below 1e-12 or so; a zero there only raises delta.
            masses[k] = Math.Max(0.0, mass);
        }

        double infinityMass = Math.Max(0.0, values[count - 1]);
        AssertTotalMassIsOne(masses, infinityMass);
        return new PrivacyLossDistribution(masses, lowerIndex, h, infinityMass);
    }

    // exp(logX) - exp(logY), with the digits of a small difference of close terms kept.
    private static double Difference(double logX, double logY)
    {
        if (double.IsNegativeInfinity(logY))
        {
            return Math.Exp(logX);
        }

        if (double.IsNegativeInfinity(logX))
        {
            return -Math.Exp(logY);
        }

        return -LogMath.ExpM1(logY - logX) * Math.Exp(logX);
    }

    // The masses come from the slopes B_k; that they add up to one checks them against the sums
    // A_k, which are fixed by the same deltas.
    [Conditional("DEBUG")]
    private static void AssertTotalMassIsOne(double[] masses, double infinityMass)
    {
        double total = infinityMass;
        foreach (double mass in masses)
        {
            total += mass;
        }

        Debug.Assert(Math.Abs(total - 1.0) < 1e-6, "connect-the-dots masses do not sum to one");
    }

    private static PrivacyLossDistribution RoundUp(
        PrivacyLoss privacyLoss, long lowerIndex, long count, double h)
    {
        var logSurvival = new double[count];
        var logCdf = new double[count];
        for (long k = 0; k < count; k++)
        {
            double loss = (lowerIndex + k) * h;
            logSurvival[k] = privacyLoss.LogSurvival(loss);
            logCdf[k] = privacyLoss.LogCdf(loss);
        }

        // Mass of the cell ((i - 1) h, i h], all of it rounded up to i h. The difference is taken
        // on whichever side of the median keeps it free of cancellation: survival above, CDF
        // below. Everything at or below the lowest point is rounded up onto it.
        var masses = new double[count];
        masses[0] = Math.Exp(logCdf[0]);
        for (long k = 1; k < count; k++)
        {
            double difference = logSurvival[k - 1] <= -Math.Log(2.0)
                ? Math.Exp(logSurvival[k - 1]) - Math.Exp(logSurvival[k])
                : Math.Exp(logCdf[k]) - Math.Exp(logCdf[k - 1]);
            masses[k] = Math.Max(0.0, difference);
        }

        double infinityMass = Math.Exp(logSurvival[count - 1]);
        return new PrivacyLossDistribution(masses, lowerIndex, h, infinityMass);
    }

    /// <summary>The law of the sum of <paramref name="steps"/> independent copies.</summary>
    internal PrivacyLossDistribution SelfCompose(int steps)
    {
        Debug.Assert(steps >= 1, "at least one step");
        if (steps == 1)
        {
            return this;
        }

        (double[] window, long offset, double upperTail) =
            PmfSelfConvolution.Compute(_masses, steps, TailMassTruncation);

        // Cut the tails of the result: the lower one is moved up onto the first point kept, the
        // upper one becomes infinite loss.
        double half = 0.5 * TailMassTruncation;
        int first = 0;
        double lowerTail = 0.0;
        while (first < window.Length - 1 && lowerTail + window[first] <= half)
        {
            lowerTail += window[first];
            first++;
        }

        int last = window.Length - 1;
        double cutMass = 0.0;
        while (last > first && cutMass + window[last] <= half)
        {
            cutMass += window[last];
            last--;
        }

        var masses = new double[last - first + 1];
        Array.Copy(window, first, masses, 0, masses.Length);
        masses[0] += lowerTail;

        // 1 - (1 - p)^T, formed without cancellation for tiny p.
        double composedInfinity = -LogMath.ExpM1(steps * LogMath.Log1P(-InfinityMass));
        double infinityMass = composedInfinity + upperTail + cutMass;
        long lowerIndex = checked((steps * LowerIndex) + offset + first);
        return new PrivacyLossDistribution(masses, lowerIndex, Discretization, infinityMass);
    }

    /// <summary>
    /// delta(epsilon) = p_inf + sum over l &gt; epsilon of (1 - e^(epsilon - l)) p(l), at most 1.
    /// Negative epsilon is allowed.
    /// </summary>
    internal double Delta(double epsilon)
    {
        Debug.Assert(!double.IsNaN(epsilon), "epsilon is NaN");
        double delta = InfinityMass;
        for (int k = _masses.Length - 1; k >= 0; k--)
        {
            double loss = LossAt(k);
            if (loss <= epsilon)
            {
                break;
            }

            delta += -LogMath.ExpM1(epsilon - loss) * _masses[k];
        }

        return Math.Min(1.0, delta);
    }

    /// <summary>
    /// The smallest epsilon, not negative, with delta(epsilon) at most <paramref name="delta"/>;
    /// infinity when the infinity mass alone exceeds it.
    /// </summary>
    internal double Epsilon(double delta)
    {
        Debug.Assert(delta > 0 && delta < 1, "bad delta");
        if (InfinityMass > delta)
        {
            return double.PositiveInfinity;
        }

        // Between consecutive losses delta(eps) = upper - e^eps lower, where upper and lower sum
        // p(l) and e^-l p(l) over the losses above eps; walking down from the top, the first
        // segment whose solution of upper - e^eps lower = delta lies inside it gives epsilon.
        double upperSum = InfinityMass;
        double lowerSum = 0.0;
        for (int k = _masses.Length - 1; k >= 0; k--)
        {
            double loss = LossAt(k);
            if (upperSum > delta && lowerSum > 0
                && Math.Log((upperSum - delta) / lowerSum) >= loss)
            {
                break;
            }

            upperSum += _masses[k];
            lowerSum += Math.Exp(-loss) * _masses[k];
            if (upperSum >= delta && lowerSum == 0)
            {
                // e^-loss underflowed: the loss is so large that epsilon sits on it.
                return Math.Max(0.0, loss);
            }
        }

        if (upperSum <= lowerSum + delta)
        {
            return 0.0;
        }

        return Math.Max(0.0, Math.Log((upperSum - delta) / lowerSum));
    }

    // A point, within a quarter interval of the crossing, at which a predicate that is false for
    // small and true for large arguments holds. Brackets by doubling, then bisects.
    private static double Crossing(Func<double, bool> holds, double h)
    {
        double low = -1.0;
        double high = 1.0;
        while (!holds(high))
        {
            high *= 2.0;
            Debug.Assert(double.IsFinite(high), "no upper truncation point");
        }

        while (holds(low))
        {
            low *= 2.0;
            Debug.Assert(double.IsFinite(low), "no lower truncation point");
        }

        while (high - low > 0.25 * h)
        {
            double middle = 0.5 * (low + high);
            if (middle <= low || middle >= high)
            {
                break;
            }

            if (holds(middle))
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }

    private static long CheckedIndex(double index)
    {
        if (!(Math.Abs(index) < PmfSelfConvolution.MaxLength * 64.0))
        {
            throw new InvalidOperationException(
                "The privacy losses are too large for the grid; use a coarser discretization.");
        }

        return (long)index;
    }
}
