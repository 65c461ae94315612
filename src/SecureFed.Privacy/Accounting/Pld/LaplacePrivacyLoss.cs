// Privacy loss of the Laplace mechanism after Google's dp_accounting (privacy_loss_mechanism.py,
// LaplacePrivacyLoss) with sensitivity 1 and parameter b: P = Lap(0, b), Q = Lap(1, b),
// L(x) = (|x - 1| - |x|) / b, which is 1/b for x <= 0, (1 - 2x)/b on (0, 1) and -1/b for
// x >= 1. The two flat pieces put atoms of mass 1/2 and e^(-1/b)/2 at the ends +-1/b; in
// between, L > l exactly when x < (1 - b l) / 2.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>Privacy loss of the Laplace mechanism of sensitivity 1.</summary>
internal sealed class LaplacePrivacyLoss : PrivacyLoss
{
    private const double Ln2 = 0.69314718055994530942;

    private readonly double _scale;
    private readonly double _maxLoss;

    internal LaplacePrivacyLoss(double scale)
    {
        Debug.Assert(double.IsFinite(scale) && scale > 0, "bad Laplace parameter");
        _scale = scale;
        _maxLoss = 1.0 / scale;
    }

    internal override double LogSurvival(double loss)
    {
        if (loss < -_maxLoss)
        {
            return 0.0;
        }

        if (loss >= _maxLoss)
        {
            return double.NegativeInfinity;
        }

        // P[X < t] = 1 - e^(-t/b) / 2 for t = (1 - b l) / 2 in (0, 1].
        return LogMath.Log1P(-0.5 * Math.Exp(-HalfLine(loss) / _scale));
    }

    internal override double LogCdf(double loss)
    {
        if (loss < -_maxLoss)
        {
            return double.NegativeInfinity;
        }

        if (loss >= _maxLoss)
        {
            return 0.0;
        }

        return -HalfLine(loss) / _scale - Ln2;
    }

    private double HalfLine(double loss) => 0.5 * (1.0 - _scale * loss);
}
