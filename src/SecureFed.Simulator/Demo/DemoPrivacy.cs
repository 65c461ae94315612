// Client-level differential privacy for the demo through the appliance's distributed DP
// pipeline (Kairouz, Liu and Steinke, ICML 2021: the distributed discrete Gaussian). Every
// client of every round contributes, so a round's sum holds all the clients' noise shares.
//
// The noise multiplier is calibrated against the accountant the appliance itself charges
// rounds with (PrivacyBudget), fed with the very settings the demo's rounds open with. The
// epsilon the appliance reports after the last round is then the one calibrated, and the
// appliance, initialised with the target as its limit, never refuses one of the rounds.
// Epsilon falls as the noise multiplier grows; the smallest multiplier meeting the target is
// bracketed by doubling and then bisected to 1e-4 relative.

using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Simulator.Demo;

/// <summary>The DP settings of the demo's protected rounds and their calibration.</summary>
/// <param name="Epsilon">The federation's target epsilon over all the rounds.</param>
/// <param name="Delta">The federation's delta.</param>
/// <param name="NoiseMultiplier">z: the central noise standard deviation over the clip.</param>
/// <param name="Clip">c: the L2 norm each client's whole delta is clipped to.</param>
/// <param name="Clients">The clients whose noise shares are in every round's sum.</param>
/// <param name="Rounds">The rounds the budget covers.</param>
/// <param name="Dimension">The model's parameter count.</param>
public sealed record DemoPrivacy(
    double Epsilon, double Delta, double NoiseMultiplier, double Clip, int Clients, int Rounds, int Dimension)
{
    /// <summary>
    /// Residues of DP rounds live modulo 2^32: with k standard deviations of the sum kept in
    /// range, the grid step is then far below the noise, and 32 bits fit the CKKS modulus of
    /// HE rounds for every client count the demo allows.
    /// </summary>
    public const int Bits = 32;

    private const double RelativeTolerance = 0.5e-4;
    private const double MaxNoiseMultiplier = 1e6;

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) for which <paramref name="rounds"/>
    /// rounds of <paramref name="clients"/> clients spend at most <paramref name="epsilon"/>
    /// at <paramref name="delta"/>, by the appliance's own accountant.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range, or the target
    /// needs a noise multiplier above 1e6.</exception>
    public static DemoPrivacy Calibrate(
        double epsilon, double delta, double clip, int clients, int rounds, int dimension)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive and finite.");
        }

        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);

        var privacy = new DemoPrivacy(epsilon, delta, 1, clip, clients, rounds, dimension);
        bool Meets(double z) => (privacy with { NoiseMultiplier = z }).EpsilonSpent() <= epsilon;

        // Invariant once bracketed: high meets the target, low does not.
        double high = 1;
        while (!Meets(high))
        {
            high *= 2;
            if (high > MaxNoiseMultiplier)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(epsilon), epsilon, "The target needs a noise multiplier above 1e6.");
            }
        }

        double low = high / 2;
        while (Meets(low))
        {
            high = low;
            low /= 2;
        }

        while (high - low > RelativeTolerance * high)
        {
            double middle = (low + high) / 2;
            if (Meets(middle))
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return privacy with { NoiseMultiplier = high };
    }

    /// <summary>
    /// The epsilon the appliance accounts after all the rounds, each charged with every
    /// client's noise share.
    /// </summary>
    public double EpsilonSpent()
    {
        var round = Settings();
        var charged = Enumerable.Range(0, Rounds).Select(_ => new ChargedRound(round, Clients));
        return new PrivacyBudget(Delta, charged).EpsilonSpent();
    }

    /// <summary>The DP settings a demo round opens with.</summary>
    public DpSettings ToRequest() => new()
    {
        Noise = DpSettings.Types.Noise.DiscreteGaussian,
        NoiseMultiplier = NoiseMultiplier,
        Clip = Clip,
        ExpectedClients = (uint)Clients,
        ModelDimension = (uint)Dimension,
    };

    // The appliance's settings of such a round, with its defaults for beta and the overflow
    // probability (RoundSettingsFactory); the rotation seed plays no part in accounting.
    private RoundSettings Settings()
    {
        var dp = new RoundDpSettings(
            "discrete_gaussian", NoiseMultiplier, Clip, Clients, Math.Exp(-0.5), 1e-6, new byte[32], Dimension);
        return new RoundSettings(
            1, ProtectionMode.Mask, Dimension, Bits, Clients, Clients, 60_000, 60_000, 0, 0.05, Clients, 0, dp);
    }
}
