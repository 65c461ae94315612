namespace SecureFed.Privacy.Tests.Accounting;

/// <summary>
/// δ(ε) of one Gaussian release with σ = 1 and sensitivity 1, at ε = -2..2, as published in
/// dp_accounting's privacy_loss_mechanism_test (GaussianPrivacyLoss, get_delta_for_epsilon).
/// One table for every test that checks an accountant against this curve.
/// </summary>
public static class GaussianCurveReference
{
    public static TheoryData<double, double> SigmaOne { get; } = new()
    {
        { -2.0, 0.86749642 },
        { -1.0, 0.67881797 },
        { 0.0, 0.38292492 },
        { 1.0, 0.12693674 },
        { 2.0, 0.020923636 },
    };
}
