// The analytic Gaussian mechanism of Balle and Wang, "Improving the Gaussian Mechanism for
// Differential Privacy: Analytical Calibration and Optimal Denoising", ICML 2018, Theorem 8:
// one release of N(f(D), σ²) with L2 sensitivity Δ is (ε, δ)-DP exactly when
//
//   δ >= Φ(Δ / (2σ) - εσ / Δ) - e^ε · Φ(-Δ / (2σ) - εσ / Δ),
//
// Φ the standard normal CDF. This is the tight single-release curve; it serves as a check
// for the accountants and as the calibration for a one-off release.

namespace SecureFed.Privacy.Accounting;

/// <summary>The exact (ε, δ) curve of one Gaussian release, and its calibration.</summary>
public static class AnalyticGaussian
{
    /// <summary>
    /// The smallest δ for which one release with standard deviation <paramref name="sigma"/>
    /// and sensitivity <paramref name="sensitivity"/> is (ε, δ)-DP.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">σ or Δ is not positive, or ε is not finite.</exception>
    public static double Delta(double sigma, double epsilon, double sensitivity = 1)
    {
        Positive(sigma, nameof(sigma));
        Positive(sensitivity, nameof(sensitivity));
        if (!double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be finite.");
        }

        double a = sensitivity / (2 * sigma);
        double b = epsilon * sigma / sensitivity;

        // e^ε Φ(-a - b) is taken in logarithms: both terms can be tiny, or e^ε huge.
        double first = NormalCdf(a - b);
        double second = Math.Exp(epsilon + LogNormalCdf(-a - b));
        return Math.Max(0, first - second);
    }

    /// <summary>
    /// The smallest standard deviation for which one release with sensitivity
    /// <paramref name="sensitivity"/> is (<paramref name="epsilon"/>, <paramref name="delta"/>)-DP,
    /// to 1e-12 relative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ε or Δ is not positive, or δ is outside (0, 1).</exception>
    public static double SigmaFor(double epsilon, double delta, double sensitivity = 1)
    {
        Positive(epsilon, nameof(epsilon));
        Positive(sensitivity, nameof(sensitivity));
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Must be in (0, 1).");
        }

        // δ(σ) falls as σ grows: bracket the target, then bisect.
        double low = sensitivity * 1e-6;
        double high = sensitivity;
        while (Delta(high, epsilon, sensitivity) > delta)
        {
            low = high;
            high *= 2;
        }

        while ((high - low) > 1e-12 * high)
        {
            double middle = (low + high) / 2;
            if (Delta(middle, epsilon, sensitivity) > delta)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    private static double NormalCdf(double x) => Math.Exp(LogNormalCdf(x));

    // Φ(x) = erfc(-x / √2) / 2, through the log-erfc that stays accurate in the far tail.
    private static double LogNormalCdf(double x) => LogMath.LogErfc(-x / Math.Sqrt(2)) - Math.Log(2);

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive and finite.");
        }
    }
}
