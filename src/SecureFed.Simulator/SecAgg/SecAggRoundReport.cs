using System.Text.Json.Serialization;

namespace SecureFed.Simulator.SecAgg;

/// <summary>Figures from one simulated mask-mode round; serialized as the bench's JSON.</summary>
public sealed record SecAggRoundReport
{
    /// <summary>Clients selected.</summary>
    public required int Clients { get; init; }

    /// <summary>Vector length.</summary>
    public required int Dim { get; init; }

    /// <summary>Bits of the modulus 2^b.</summary>
    public required int Bits { get; init; }

    /// <summary>Clients that dropped out.</summary>
    public required int Dropped { get; init; }

    /// <summary>Stage at which they dropped.</summary>
    public required string DropoutAt { get; init; }

    /// <summary>Neighbours per client (k).</summary>
    public required int Neighbours { get; init; }

    /// <summary>Shamir threshold (t).</summary>
    public required int Threshold { get; init; }

    /// <summary>Clients whose inputs are in the sum.</summary>
    public required int Survivors { get; init; }

    /// <summary>True when the unmasked sum equals the survivors' plaintext sum mod 2^b.</summary>
    public required bool Exact { get; init; }

    /// <summary>Why the round aborted, or null.</summary>
    public string? Aborted { get; init; }

    /// <summary>Median compute time of one client over all its stages, in milliseconds.</summary>
    public required double ClientMs { get; init; }

    /// <summary>Median compute time of one client in each stage, in milliseconds.</summary>
    public required IReadOnlyDictionary<string, double> ClientStageMs { get; init; }

    /// <summary>Largest compute time of one client, in milliseconds.</summary>
    public required double ClientMaxMs { get; init; }

    /// <summary>
    /// Server compute time over all stages, in milliseconds: the wall time it takes to handle
    /// each stage's messages on all cores, plus the final unmasking.
    /// </summary>
    public required double ServerMs { get; init; }

    /// <summary>Server compute time of each stage, in milliseconds.</summary>
    public required IReadOnlyDictionary<string, double> ServerStageMs { get; init; }

    /// <summary>Server time of the final unmasking (rebuilding secrets, removing masks).</summary>
    public required double ServerUnmaskMs { get; init; }

    /// <summary>Wall-clock time of the whole simulated round, in milliseconds.</summary>
    public required double WallMs { get; init; }

    /// <summary>
    /// Time the garbage collector paused the whole process during the round, in milliseconds:
    /// it lands in client and server figures alike.
    /// </summary>
    public required double GcPauseMs { get; init; }

    /// <summary>Mean bytes one surviving client sends, in a compact encoding of the messages.</summary>
    public required long BytesUpPerClient { get; init; }

    /// <summary>Mask PRG throughput on one core, in GB/s (10^9 bytes of keystream a second).</summary>
    public required double PrgGbps { get; init; }

    /// <summary>Whether the PRG used AES instructions.</summary>
    [JsonPropertyName("prg_hardware")]
    public required bool PrgHardware { get; init; }
}
