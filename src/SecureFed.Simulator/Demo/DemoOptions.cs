using SecureFed.Training;
using SecureFed.Training.Federated;

namespace SecureFed.Simulator.Demo;

/// <summary>What <c>securefed-sim demo</c> runs.</summary>
public sealed record DemoOptions
{
    /// <summary>"wdbc" or "digits", a CSV file under data/.</summary>
    public string Dataset { get; init; } = "wdbc";

    /// <summary>The protection modes to run besides the plaintext baseline: "mask", "he" or both.</summary>
    public IReadOnlyList<string> Modes { get; init; } = ["mask", "he"];

    /// <summary>The number of clients the training set is split among.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Rounds of federated averaging.</summary>
    public int Rounds { get; init; } = 20;

    /// <summary>"iid" or "dirichlet" (label skew, the default).</summary>
    public string Partition { get; init; } = "dirichlet";

    /// <summary>The Dirichlet concentration of a "dirichlet" partition.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Bound on each coordinate of a client's delta before weighting, in protected modes.</summary>
    public double Clip { get; init; } = 1.0;

    /// <summary>The fixed-point scale of protected updates: 2^24 keeps rounding far below SGD noise.</summary>
    public double Scale { get; init; } = 1 << 24;

    /// <summary>
    /// The federation's target epsilon of client-level DP over all the rounds; null trains the
    /// protected modes without DP. The plaintext baseline never has DP.
    /// </summary>
    public double? Epsilon { get; init; }

    /// <summary>
    /// Each client's target epsilon of record-level DP (DP-SGD in local training) over all
    /// the rounds, 3 by default; null trains without it. Only the protected modes use it.
    /// </summary>
    public double? RecordEpsilon { get; init; } = 3;

    /// <summary>
    /// The expected batch size of local training. DP-SGD samples each row with probability
    /// batch / rows, and a smaller rate amplifies privacy more.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The federation's delta, with <see cref="Epsilon"/>; also record-level DP's.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>
    /// With DP, the L2 norm each client's whole delta is clipped to. The default 0.3 did best
    /// of 0.1, 0.3, 1 and 3 on wdbc (8 clients, epsilon 8) and of 0.3 and 1 on digits (50
    /// clients, epsilon 3); tuning it on the clients' data would itself spend privacy, which
    /// a public data set in a demo can afford.
    /// </summary>
    public double ClipNorm { get; init; } = 0.3;

    /// <summary>
    /// The server optimiser every run uses, the baseline included: FedAvgM (rate 1, momentum
    /// 0.9) by default, which on wdbc with label skew and DP-SGD ended higher and varied less
    /// from seed to seed than plain FedAvg.
    /// </summary>
    public ServerOptimizerOptions Server { get; init; } = new() { Kind = ServerOptimizerKind.FedAvgM };

    /// <summary>
    /// Local training: model, epochs, optimiser and learning rate (SGD at 0.2 by default, which
    /// beat 0.1 and 0.5 on wdbc with DP-SGD over 20 rounds); the batch size and seed come from
    /// <see cref="BatchSize"/> and <see cref="Seed"/>.
    /// </summary>
    public TrainingOptions Training { get; init; } = new() { LearningRate = 0.2 };

    /// <summary>With record-level DP, the L2 norm each example's gradient is clipped to.</summary>
    public double RecordClipNorm { get; init; } = 1.0;

    /// <summary>
    /// With record-level DP and <see cref="Standardization"/> "moments", the share of each
    /// client's target epsilon spent on the noised feature moments; the rest goes to DP-SGD.
    /// </summary>
    public double MomentsShare { get; init; } = 0.3;

    /// <summary>
    /// "auto" (the default) standardises the features by exact moments from a protected round
    /// without DP, and by the schema's public ranges with DP; "schema" always by the ranges;
    /// "moments" by moments from a protected round, noised and charged to the record-level
    /// budget under record-level DP. Client-level DP always uses the ranges.
    /// </summary>
    public string Standardization { get; init; } = "auto";

    /// <summary>
    /// The final model of each run averages the global models of this many last rounds
    /// (1: the last round's model alone); null takes a quarter of the rounds, at least one.
    /// Averaging uses only released models, so it costs no privacy.
    /// </summary>
    public int? TailRounds { get; init; }

    /// <summary>The rounds the final model averages: <see cref="TailRounds"/> or its default.</summary>
    public int EffectiveTailRounds => Math.Clamp(TailRounds ?? (Rounds / 4), 1, Rounds);

    /// <summary>Seeds the split, the partition, the initial model and the mini-batches.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The folder holding the data sets; null looks for data/ above the working directory.</summary>
    public string? DataDirectory { get; init; }
}
