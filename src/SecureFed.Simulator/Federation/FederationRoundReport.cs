namespace SecureFed.Simulator.Federation;

/// <summary>The outcome and cost of one simulated round over gRPC.</summary>
public sealed record FederationRoundReport
{
    /// <summary>"mask" or "he".</summary>
    public required string Mode { get; init; }

    /// <summary>Clients that joined.</summary>
    public required int Clients { get; init; }

    /// <summary>Clients whose contributions are in the aggregate.</summary>
    public required int Contributors { get; init; }

    /// <summary>Length of each vector.</summary>
    public required int Dim { get; init; }

    /// <summary>Residues live modulo 2^Bits.</summary>
    public required int Bits { get; init; }

    /// <summary>True when the downloaded aggregate equals the sum of the contributors' inputs.</summary>
    public required bool Exact { get; init; }

    /// <summary>From opening the round to the last client holding its result.</summary>
    public required double RoundMs { get; init; }

    /// <summary>Key ceremony time (HE mode), else 0.</summary>
    public required double CeremonyMs { get; init; }

    /// <summary>Bytes one contributing client uploaded: its contribution and its protocol messages.</summary>
    public required long BytesUpPerClient { get; init; }

    /// <summary>How the parties talked.</summary>
    public required string Transport { get; init; }

    /// <summary>HE mode: custodians and threshold, as "t-of-k"; null in mask mode.</summary>
    public string? Custodians { get; init; }

    /// <summary>Entries in the appliance's ledger after the round.</summary>
    public required ulong LedgerEntries { get; init; }
}
