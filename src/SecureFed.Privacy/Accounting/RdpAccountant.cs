// Rényi DP accountant after Google's dp_accounting (rdp_privacy_accountant.py, RdpAccountant):
// a vector of RDP bounds at fixed orders, to which each mechanism's RDP curve is added (RDP
// composes additively, Mironov 2017, Proposition 1), converted to (epsilon, delta) on demand
// with the improved bound of Canonne, Kamath, Steinke 2020 (see RdpConversion). Default orders:
// dp_accounting's DEFAULT_RDP_ORDERS (see RdpOrders). Neighbouring relation: add or remove one.

namespace SecureFed.Privacy.Accounting;

/// <summary>
/// Accumulates the Rényi DP spent by a sequence of mechanisms and reports the resulting
/// (epsilon, delta) guarantee. Not thread-safe.
/// </summary>
public sealed class RdpAccountant
{
    private readonly double[] _orders;
    private readonly double[] _rdp;

    /// <summary>Creates an accountant over <see cref="RdpOrders.Default"/>.</summary>
    public RdpAccountant()
        : this(RdpOrders.Default)
    {
    }

    /// <summary>Creates an accountant over the given Rényi orders.</summary>
    /// <param name="orders">Rényi orders; at least one, each finite and greater than 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An order is outside its range.</exception>
    public RdpAccountant(IReadOnlyList<double> orders)
    {
        RdpArguments.CheckOrders(orders);
        _orders = [.. orders];
        _rdp = new double[_orders.Length];
    }

    /// <summary>The Rényi orders tracked.</summary>
    public IReadOnlyList<double> Orders => Array.AsReadOnly(_orders);

    /// <summary>A copy of the RDP spent so far, one value per order.</summary>
    public IReadOnlyList<double> Rdp => Array.AsReadOnly((double[])_rdp.Clone());

    /// <summary>Adds <paramref name="count"/> runs of the Gaussian mechanism.</summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="count">Number of runs; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public void ComposeGaussian(double noiseMultiplier, int count = 1)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        CheckCount(count);
        Add(order => order / (2.0 * noiseMultiplier * noiseMultiplier), count);
    }

    /// <summary>
    /// Adds <paramref name="count"/> steps of the Poisson-subsampled Gaussian mechanism.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="count">Number of steps; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public void ComposePoissonSampledGaussian(
        double noiseMultiplier, double sampleRate, int count = 1)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        CheckCount(count);
        Add(order => GaussianRdp.PoissonSampledCore(noiseMultiplier, sampleRate, order), count);
    }

    /// <summary>Adds <paramref name="count"/> runs of the Laplace mechanism.</summary>
    /// <param name="noiseMultiplier">Laplace scale over L1 sensitivity; positive.</param>
    /// <param name="count">Number of runs; at least 1.</param>
    /// <param name="sampleRate">Poisson sample rate, in (0, 1]; below 1 the general bound of
    /// <see cref="PoissonSampledRdp"/> applies.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public void ComposeLaplace(double noiseMultiplier, int count = 1, double sampleRate = 1.0)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        CheckCount(count);
        Add(Sampled(order => LaplaceRdp.Core(1.0 / noiseMultiplier, order), sampleRate), count);
    }

    /// <summary>
    /// Adds <paramref name="count"/> rounds of the Skellam mechanism (see <see cref="SkellamRdp"/>),
    /// with clients Poisson-sampled at <paramref name="sampleRate"/>.
    /// </summary>
    /// <param name="l1Sensitivity">L1 sensitivity in grid units; positive.</param>
    /// <param name="l2Sensitivity">L2 sensitivity in grid units; positive.</param>
    /// <param name="variance">Variance per coordinate of the aggregate Skellam noise;
    /// positive.</param>
    /// <param name="count">Number of rounds; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    /// <param name="sampleRate">Poisson client sample rate, in (0, 1]; below 1 the general
    /// bound of <see cref="PoissonSampledRdp"/> applies.</param>
    public void ComposeSkellam(
        double l1Sensitivity,
        double l2Sensitivity,
        double variance,
        int count = 1,
        double sampleRate = 1.0)
    {
        RdpArguments.CheckPositive(l1Sensitivity, nameof(l1Sensitivity));
        RdpArguments.CheckPositive(l2Sensitivity, nameof(l2Sensitivity));
        RdpArguments.CheckPositive(variance, nameof(variance));
        RdpArguments.CheckSampleRate(sampleRate);
        CheckCount(count);
        Add(
            Sampled(order => SkellamRdp.Core(l1Sensitivity, l2Sensitivity, variance, order), sampleRate),
            count);
    }

    /// <summary>
    /// Adds <paramref name="count"/> rounds of the distributed discrete Gaussian mechanism (see
    /// <see cref="DistributedDiscreteGaussianRdp"/>), with clients Poisson-sampled at
    /// <paramref name="sampleRate"/>.
    /// </summary>
    /// <param name="l1Sensitivity">L1 sensitivity in grid units; positive.</param>
    /// <param name="l2Sensitivity">L2 sensitivity in grid units; positive.</param>
    /// <param name="localStddev">Each client's noise standard deviation in grid units;
    /// positive.</param>
    /// <param name="clients">Number of clients whose shares are summed; at least 1.</param>
    /// <param name="dimension">Number of coordinates; at least 1.</param>
    /// <param name="count">Number of rounds; at least 1.</param>
    /// <param name="sampleRate">Poisson client sample rate, in (0, 1]; below 1 the general
    /// bound of <see cref="PoissonSampledRdp"/> applies.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public void ComposeDistributedDiscreteGaussian(
        double l1Sensitivity,
        double l2Sensitivity,
        double localStddev,
        int clients,
        int dimension,
        int count = 1,
        double sampleRate = 1.0)
    {
        // The public single-order function validates every mechanism parameter; calling it once
        // here keeps the checks in one place.
        _ = DistributedDiscreteGaussianRdp.Compute(
            l1Sensitivity, l2Sensitivity, localStddev, clients, dimension, _orders[0]);
        RdpArguments.CheckSampleRate(sampleRate);
        CheckCount(count);
        Add(
            Sampled(
                order => DistributedDiscreteGaussianRdp.Core(
                    l1Sensitivity, l2Sensitivity, localStddev, clients, dimension, order),
                sampleRate),
            count);
    }

    private static Func<double, double> Sampled(Func<double, double> rdp, double sampleRate) =>
        order => PoissonSampledRdp.Core(rdp, sampleRate, order);

    /// <summary>The epsilon spent so far at <paramref name="delta"/>, and its optimal
    /// order.</summary>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <returns>Epsilon (0 before anything is composed) and the order that attains it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Delta is outside (0, 1).</exception>
    public (double Epsilon, double Order) GetEpsilon(double delta)
    {
        RdpArguments.CheckDelta(delta);
        return RdpConversion.EpsilonCore(_orders, _rdp, delta);
    }

    /// <summary>The delta spent so far at <paramref name="epsilon"/>, and its optimal
    /// order.</summary>
    /// <param name="epsilon">Target epsilon; finite and not negative.</param>
    /// <returns>Delta, at most 1, and the order that attains it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Epsilon is outside its range.</exception>
    public (double Delta, double Order) GetDelta(double epsilon)
    {
        RdpArguments.CheckEpsilon(epsilon);
        return RdpConversion.DeltaCore(_orders, _rdp, epsilon);
    }

    /// <summary>
    /// Epsilon of <paramref name="steps"/> steps of the Poisson-subsampled Gaussian mechanism at
    /// <paramref name="delta"/>, and the optimal order.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="orders">Rényi orders; <see cref="RdpOrders.Default"/> when null.</param>
    /// <returns>Epsilon and the order that attains it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static (double Epsilon, double Order) Epsilon(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double delta,
        IReadOnlyList<double>? orders = null)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckSteps(steps);
        RdpArguments.CheckDelta(delta);
        var accountant = new RdpAccountant(orders ?? RdpOrders.Default);
        accountant.ComposePoissonSampledGaussian(noiseMultiplier, sampleRate, steps);
        return accountant.GetEpsilon(delta);
    }

    /// <summary>
    /// Delta of <paramref name="steps"/> steps of the Poisson-subsampled Gaussian mechanism at
    /// <paramref name="epsilon"/>, and the optimal order.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="epsilon">Target epsilon; finite and not negative.</param>
    /// <param name="orders">Rényi orders; <see cref="RdpOrders.Default"/> when null.</param>
    /// <returns>Delta, at most 1, and the order that attains it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static (double Delta, double Order) Delta(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double epsilon,
        IReadOnlyList<double>? orders = null)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckSteps(steps);
        RdpArguments.CheckEpsilon(epsilon);
        var accountant = new RdpAccountant(orders ?? RdpOrders.Default);
        accountant.ComposePoissonSampledGaussian(noiseMultiplier, sampleRate, steps);
        return accountant.GetDelta(epsilon);
    }

    private void Add(Func<double, double> rdpAtOrder, int count)
    {
        // Compute the whole curve before touching the state, so a failure leaves it unchanged.
        var increment = new double[_orders.Length];
        for (int k = 0; k < _orders.Length; k++)
        {
            increment[k] = count * rdpAtOrder(_orders[k]);
        }

        for (int k = 0; k < _rdp.Length; k++)
        {
            _rdp[k] += increment[k];
        }
    }

    private static void CheckCount(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count), count, "The count must be at least 1.");
        }
    }
}
