// Privacy loss of the Gaussian mechanism, plain or Poisson-subsampled, after Google's
// dp_accounting (privacy_loss_mechanism.py, GaussianPrivacyLoss) with sensitivity 1 and standard
// deviation sigma (the noise multiplier). With sample rate q and the mixture
// M = (1 - q) N(0, sigma^2) + q N(1, sigma^2):
//   remove: P = M, Q = N(0, sigma^2), L(x) = log(1 - q + q exp((2x - 1) / (2 sigma^2))),
//   add:    P = N(0, sigma^2), Q = M, L(x) = -log(1 - q + q exp((2x - 1) / (2 sigma^2))).
// With q = 1 both reduce to the plain Gaussian mechanism. The inverse of the exponential term,
// x*(m) = 1/2 + sigma^2 log((e^m - (1 - q)) / q), turns events on L into half-lines in x, whose
// probabilities come from the normal CDF through LogMath.LogErfc, under P and (for the
// connect-the-dots discretisation) under Q alike.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>Privacy loss of the (Poisson-subsampled) Gaussian mechanism of sensitivity 1.</summary>
internal sealed class GaussianPrivacyLoss : PrivacyLoss
{
    private const double Sqrt2 = 1.4142135623730950488;
    private const double Ln2 = 0.69314718055994530942;

    private readonly double _sigma;
    private readonly double _logSampleRate;
    private readonly double _logOneMinusSampleRate;
    private readonly NeighbouringRelation _relation;

    internal GaussianPrivacyLoss(
        double noiseMultiplier, double sampleRate, NeighbouringRelation relation)
    {
        Debug.Assert(double.IsFinite(noiseMultiplier) && noiseMultiplier > 0, "bad sigma");
        Debug.Assert(sampleRate > 0 && sampleRate <= 1, "bad sample rate");
        _sigma = noiseMultiplier;
        _logSampleRate = Math.Log(sampleRate);

        // At q = 1 the floor log(1 - q) of the loss is minus infinity: no bound at all.
        _logOneMinusSampleRate =
            sampleRate == 1.0 ? double.NegativeInfinity : LogMath.Log1P(-sampleRate);
        _relation = relation;
    }

    internal override double LogSurvival(double loss)
    {
        if (_relation == NeighbouringRelation.Remove)
        {
            // L is increasing in x and never below log(1 - q).
            if (loss <= _logOneMinusSampleRate)
            {
                return 0.0;
            }

            double x = Threshold(loss);
            return LogMath.LogAdd(
                _logOneMinusSampleRate + LogNormalCdf(-x / _sigma),
                _logSampleRate + LogNormalCdf((1.0 - x) / _sigma));
        }

        // Add: L is decreasing in x and never above -log(1 - q).
        if (-loss <= _logOneMinusSampleRate)
        {
            return double.NegativeInfinity;
        }

        return LogNormalCdf(Threshold(-loss) / _sigma);
    }

    internal override double LogCdf(double loss)
    {
        if (_relation == NeighbouringRelation.Remove)
        {
            if (loss <= _logOneMinusSampleRate)
            {
                return double.NegativeInfinity;
            }

            double x = Threshold(loss);
            return LogMath.LogAdd(
                _logOneMinusSampleRate + LogNormalCdf(x / _sigma),
                _logSampleRate + LogNormalCdf((x - 1.0) / _sigma));
        }

        if (-loss <= _logOneMinusSampleRate)
        {
            return 0.0;
        }

        return LogNormalCdf(-Threshold(-loss) / _sigma);
    }

    internal override bool HasLowerLaw => true;

    internal override double LogLowerSurvival(double loss)
    {
        if (_relation == NeighbouringRelation.Remove)
        {
            // Q = N(0, sigma^2); L > loss exactly when x lies above the threshold.
            if (loss <= _logOneMinusSampleRate)
            {
                return 0.0;
            }

            return LogNormalCdf(-Threshold(loss) / _sigma);
        }

        // Add: Q = M, and L > loss exactly when x lies below the threshold of -loss.
        if (-loss <= _logOneMinusSampleRate)
        {
            return double.NegativeInfinity;
        }

        double x = Threshold(-loss);
        return LogMath.LogAdd(
            _logOneMinusSampleRate + LogNormalCdf(x / _sigma),
            _logSampleRate + LogNormalCdf((x - 1.0) / _sigma));
    }

    internal override double LogLowerCdf(double loss)
    {
        if (_relation == NeighbouringRelation.Remove)
        {
            if (loss <= _logOneMinusSampleRate)
            {
                return double.NegativeInfinity;
            }

            return LogNormalCdf(Threshold(loss) / _sigma);
        }

        if (-loss <= _logOneMinusSampleRate)
        {
            return 0.0;
        }

        double x = Threshold(-loss);
        return LogMath.LogAdd(
            _logOneMinusSampleRate + LogNormalCdf(-x / _sigma),
            _logSampleRate + LogNormalCdf((1.0 - x) / _sigma));
    }

    // The x at which 1 - q + q exp((2x - 1) / (2 sigma^2)) equals e^m; needs m > log(1 - q).
    // The difference e^m - (1 - q) is formed in log space, where it keeps its digits for m near
    // log(1 - q) and for m far below zero when q = 1.
    private double Threshold(double m)
    {
        double logExcess = LogMath.LogSub(m, _logOneMinusSampleRate);
        return 0.5 + _sigma * _sigma * (logExcess - _logSampleRate);
    }

    // log Phi(z) = log(erfc(-z / sqrt 2) / 2), accurate deep into either tail.
    private static double LogNormalCdf(double z) => LogMath.LogErfc(-z / Sqrt2) - Ln2;
}
