namespace SecureFed.Simulator.SecAgg;

/// <summary>What one simulated mask-mode round looks like.</summary>
/// <param name="Clients">Number of clients selected.</param>
/// <param name="Dimension">Length of each input vector.</param>
/// <param name="Bits">Inputs and the sum live modulo 2^Bits.</param>
/// <param name="DropoutRate">Fraction of clients that drop out.</param>
/// <param name="DropoutAt">Stage at which they drop.</param>
/// <param name="CorruptRate">Fraction of corrupt clients the parameters must tolerate.</param>
/// <param name="Seed">
/// Seed of the simulated inputs and of the choice of dropouts; keys and masks always come
/// from the operating system's CSPRNG.
/// </param>
public sealed record SecAggRoundOptions(
    int Clients,
    int Dimension,
    int Bits = 32,
    double DropoutRate = 0,
    DropoutStage DropoutAt = DropoutStage.Mask,
    double CorruptRate = 0.05,
    int Seed = 1);
