// The privacy loss of a mechanism with continuous output, seen through its distribution, after
// Google's dp_accounting (privacy_loss_mechanism.py, AdditiveNoisePrivacyLoss). For a pair
// (P, Q) of output distributions the privacy loss at an output x is L(x) = log(P(x) / Q(x)); the
// PLD is the law of L(X) for X drawn from P. dp_accounting discretises from the inverse of L and
// the CDF of P; the survival and distribution functions of L(X) below are exactly those
// compositions, kept in log space so that tails far beyond double precision stay usable. The
// connect-the-dots discretisation (Doroshenko et al. 2022) also needs the law of L(Y) for Y drawn
// from Q, for the hockey-stick divergence P[L > eps] - e^eps Q[L > eps].

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>A privacy loss L(X), X drawn from the upper distribution of a mechanism.</summary>
internal abstract class PrivacyLoss
{
    /// <summary>log P[L(X) &gt; loss]; negative infinity when L never exceeds loss.</summary>
    internal abstract double LogSurvival(double loss);

    /// <summary>log P[L(X) &lt;= loss]; negative infinity when L always exceeds loss.</summary>
    internal abstract double LogCdf(double loss);

    /// <summary>Whether <see cref="LogLowerSurvival"/> and <see cref="LogLowerCdf"/> are
    /// available, which connect-the-dots discretisation needs.</summary>
    internal virtual bool HasLowerLaw => false;

    /// <summary>log Q[L(Y) &gt; loss], Y drawn from the lower distribution.</summary>
    internal virtual double LogLowerSurvival(double loss) =>
        throw new NotSupportedException("The law of the loss under Q is not available.");

    /// <summary>log Q[L(Y) &lt;= loss], Y drawn from the lower distribution.</summary>
    internal virtual double LogLowerCdf(double loss) =>
        throw new NotSupportedException("The law of the loss under Q is not available.");
}
