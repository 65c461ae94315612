namespace SecureFed.Privacy.Pipeline;

/// <summary>The integer noise each client adds to its share of the sum.</summary>
public enum DistributedNoise
{
    /// <summary>
    /// Discrete Gaussian (Kairouz, Liu, Steinke 2021). The sum of n shares is close to, not
    /// exactly, a discrete Gaussian; the distributed discrete Gaussian accountant covers it.
    /// </summary>
    DiscreteGaussian,

    /// <summary>
    /// Skellam (Agarwal, Kairouz, Liu 2021): the sum of n shares is exactly a Skellam of n
    /// times the parameter.
    /// </summary>
    Skellam,
}
