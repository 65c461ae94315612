using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Rounds;

/// <summary>The distributed DP settings of a round, as the ledger records them.</summary>
/// <param name="Noise">"discrete_gaussian" or "skellam".</param>
/// <param name="NoiseMultiplier">z: central noise standard deviation over the clip norm.</param>
/// <param name="Clip">c: each client's L2 clip norm.</param>
/// <param name="ExpectedClients">Clients whose noise shares make up the planned total.</param>
/// <param name="Beta">Failure probability of one conditional rounding.</param>
/// <param name="MaxOverflowProbability">Largest chance that a coordinate of the sum wraps.</param>
/// <param name="RotationSeed">The round's public rotation seed, 32 bytes.</param>
/// <param name="ModelDimension">Length of a model update before padding.</param>
public sealed record RoundDpSettings(
    string Noise,
    double NoiseMultiplier,
    double Clip,
    int ExpectedClients,
    double Beta,
    double MaxOverflowProbability,
    byte[] RotationSeed,
    int ModelDimension);

/// <summary>Everything that fixes how one round runs, set by the operator who opened it.</summary>
/// <param name="Round">The round number, from 1.</param>
/// <param name="Mode">Mask or HE.</param>
/// <param name="Dimension">Length of each protected integer vector.</param>
/// <param name="Bits">Residues live modulo 2^Bits.</param>
/// <param name="MinClients">Fewest clients for the round to go on.</param>
/// <param name="MaxClients">Most clients the round takes.</param>
/// <param name="JoinTimeoutMs">How long clients have to join.</param>
/// <param name="StageTimeoutMs">Each later stage's deadline.</param>
/// <param name="DropoutRate">Mask mode: tolerated dropout fraction.</param>
/// <param name="CorruptRate">Mask mode: tolerated corrupt-client fraction.</param>
/// <param name="MinContributors">HE mode: signed contributions custodians require.</param>
/// <param name="HeScaleBits">HE mode: log2 of the coefficient-encoding scale.</param>
/// <param name="Dp">The DP settings, or null for a round without DP noise.</param>
public sealed record RoundSettings(
    ulong Round,
    ProtectionMode Mode,
    int Dimension,
    int Bits,
    int MinClients,
    int MaxClients,
    int JoinTimeoutMs,
    int StageTimeoutMs,
    double DropoutRate,
    double CorruptRate,
    int MinContributors,
    int HeScaleBits,
    RoundDpSettings? Dp)
{
    /// <summary>Join deadline.</summary>
    public TimeSpan JoinTimeout => TimeSpan.FromMilliseconds(JoinTimeoutMs);

    /// <summary>Deadline of every stage after joining.</summary>
    public TimeSpan StageTimeout => TimeSpan.FromMilliseconds(StageTimeoutMs);
}
