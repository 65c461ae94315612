namespace SecureFed.Audit.Cli;

/// <summary>What the privacy commands print; serialized as their JSON.</summary>
/// <param name="Epsilon">Epsilon spent.</param>
/// <param name="Delta">The delta it is spent at.</param>
/// <param name="Order">The Rényi order that attains the epsilon (RDP only, else null).</param>
/// <param name="NoiseMultiplier">Noise standard deviation over the clip norm.</param>
/// <param name="SampleRate">Poisson sample rate.</param>
/// <param name="Steps">Number of steps.</param>
/// <param name="Accountant">The accountant used.</param>
internal sealed record PrivacyReport(
    double Epsilon,
    double Delta,
    double? Order,
    double NoiseMultiplier,
    double SampleRate,
    int Steps,
    string Accountant);
