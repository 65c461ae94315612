// The privacy mechanism of one DP round as the auditor reconstructs it from round.opened's
// settings alone: distributed noise whose shares, one per contributing client, add up in the
// aggregate to Skellam noise (Agarwal, Kairouz and Liu, NeurIPS 2021) or to a sum of
// discrete Gaussians (Kairouz, Liu and Steinke, ICML 2021). The grid, padded dimension,
// sensitivity and each client's variance follow from the settings through
// DistributedNoiseParameters, which every client also uses to encode its update, so the
// accounted mechanism is the one the clients actually ran.

using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Protocol.Audit;

/// <summary>A DP round's mechanism, and its Rényi DP curve for a number of noise shares.</summary>
internal sealed class RoundMechanism
{
    private readonly bool _skellam;
    private readonly int _expectedClients;
    private readonly DistributedNoiseParameters _noise;
    private readonly Dictionary<int, double[]> _curves = [];

    private RoundMechanism(bool skellam, int expectedClients, DistributedNoiseParameters noise)
    {
        _skellam = skellam;
        _expectedClients = expectedClients;
        _noise = noise;
    }

    /// <summary>Reads <c>settings.dp</c> of a round.opened payload.</summary>
    /// <exception cref="FormatException">A field is missing, or the settings are impossible.</exception>
    public static RoundMechanism Read(PayloadReader dp, int bits)
    {
        string noise = dp.Text("noise");
        if (noise is not ("skellam" or "discrete_gaussian"))
        {
            throw new FormatException($"The DP noise '{noise}' is neither skellam nor discrete_gaussian.");
        }

        int expected = dp.I32("expected_clients");
        try
        {
            var parameters = DistributedNoiseParameters.Compute(
                dp.Double("noise_multiplier"), dp.Double("clip"), expected, bits, dp.I32("model_dimension"),
                dp.Double("beta"), dp.Double("max_overflow_probability"));
            return new RoundMechanism(noise == "skellam", expected, parameters);
        }
        catch (ArgumentOutOfRangeException impossible)
        {
            throw new FormatException(
                $"The DP settings admit no mechanism: {impossible.Message}", impossible);
        }
    }

    /// <summary>
    /// The RDP curve, at <see cref="RdpOrders.Default"/>, of the round's sum when
    /// <paramref name="contributors"/> clients are in it. Only up to the expected clients'
    /// shares are counted: noise beyond the planned total is not relied on.
    /// </summary>
    public double[] Curve(int contributors)
    {
        int shares = Math.Clamp(contributors, 1, _expectedClients);
        if (_curves.TryGetValue(shares, out double[]? cached))
        {
            return cached;
        }

        // A rounded, clipped integer vector has L1 norm at most its squared L2 norm (each
        // non-zero coordinate is at least 1 in magnitude) and at most sqrt(d) times its L2 norm.
        double l2 = _noise.Sensitivity;
        double l1 = Math.Min(l2 * l2, Math.Sqrt(_noise.PaddedDimension) * l2);
        var accountant = new RdpAccountant();
        if (_skellam)
        {
            accountant.ComposeSkellam(l1, l2, shares * _noise.LocalVariance);
        }
        else
        {
            accountant.ComposeDistributedDiscreteGaussian(
                l1, l2, Math.Sqrt(_noise.LocalVariance), shares, _noise.PaddedDimension);
        }

        double[] curve = [.. accountant.Rdp];
        _curves[shares] = curve;
        return curve;
    }
}
