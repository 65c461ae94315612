using System.Text.Json.Serialization;

namespace SecureFed.Simulator.Demo;

/// <summary>The outcome of <c>securefed-sim demo</c>.</summary>
public sealed record DemoReport
{
    /// <summary>The data set.</summary>
    public required string Dataset { get; init; }

    /// <summary>How the training set was split among the clients.</summary>
    public required string Partition { get; init; }

    /// <summary>The number of clients.</summary>
    public required int Clients { get; init; }

    /// <summary>Rounds of federated averaging.</summary>
    public required int Rounds { get; init; }

    /// <summary>Test accuracy of plaintext FedAvg after its last round.</summary>
    public required double BaselineAccuracy { get; init; }

    /// <summary>Test accuracy after the last round, by protection mode.</summary>
    public required IReadOnlyDictionary<string, double> Accuracy { get; init; }

    /// <summary>Test accuracy after each round, for "baseline" and each protection mode.</summary>
    public required IReadOnlyDictionary<string, double[]> Curves { get; init; }

    /// <summary>
    /// The epsilon of the run's DP guarantee, at <see cref="Delta"/>: the client-level epsilon
    /// with client-level DP, else the record-level one; null without DP.
    /// </summary>
    public double? Epsilon => ClientEpsilon ?? RecordEpsilon;

    /// <summary>"client", "record" or "none": which DP guarantee <see cref="Epsilon"/> gives.</summary>
    public string PrivacyLevel => ClientEpsilon is not null ? "client" : RecordEpsilon is not null ? "record" : "none";

    /// <summary>The client-level epsilon the appliance accounted; null without client-level DP.</summary>
    public double? ClientEpsilon { get; init; }

    /// <summary>
    /// The largest record-level epsilon any client spent in local training (DP-SGD), the
    /// largest over the protected modes; null without record-level DP.
    /// </summary>
    public double? RecordEpsilon { get; init; }

    /// <summary>The differential-privacy delta; null without DP.</summary>
    public double? Delta { get; init; }

    /// <summary>The noise multiplier calibrated to the target epsilon; null without DP.</summary>
    public double? NoiseMultiplier { get; init; }

    /// <summary>The L2 clip norm of each client's delta; null without DP.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>
    /// The epsilon the appliance reported spent after each round, by protection mode; empty
    /// without DP.
    /// </summary>
    public IReadOnlyDictionary<string, double[]> EpsilonCurves { get; init; } = new Dictionary<string, double[]>();

    /// <summary>Residues of protected rounds live modulo 2^Bits.</summary>
    public required int Bits { get; init; }

    /// <summary>
    /// Each protected mode's record-level epsilon after every round: the largest any client
    /// had spent; empty without record-level DP.
    /// </summary>
    public IReadOnlyDictionary<string, double[]> RecordEpsilonCurves { get; init; } =
        new Dictionary<string, double[]>();

    /// <summary>What the final models are: architecture, classes and standardisation.</summary>
    [JsonIgnore]
    public DemoModel? Model { get; init; }

    /// <summary>Each run's final global parameters, the baseline's included.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, float[]> Models { get; init; } = new Dictionary<string, float[]>();

    /// <summary>Each protected mode's exported ledger, as its appliance wrote it.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, byte[]> Ledgers { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Each client's training rows, and per class, in client order.</summary>
    public IReadOnlyList<int[]> ClientRows { get; init; } = [];

    /// <summary>The final models average the global models of this many last rounds.</summary>
    public int TailRounds { get; init; } = 1;

    /// <summary>How the features were standardised, and at what privacy cost.</summary>
    public string Standardization { get; init; } = "";

    /// <summary>Wall-clock seconds of each protection mode's federation, appliance start included.</summary>
    public required IReadOnlyDictionary<string, double> ModeSeconds { get; init; }

    /// <summary>Wall-clock seconds of the whole demo.</summary>
    public required double Seconds { get; init; }
}
