// The options of `securefed-sim demo`, their checks, and the DemoOptions they describe. The
// command itself (DemoCommand) only runs what these produce.

using System.CommandLine;
using System.Globalization;
using SecureFed.Simulator.Demo;
using SecureFed.Training.Federated;
using SecureFed.Training.Models;

namespace SecureFed.Simulator.Cli;

/// <summary>The command line of <c>securefed-sim demo</c>.</summary>
internal sealed class DemoArguments
{
    private static readonly DemoOptions Defaults = new();

    private readonly Option<string> _mode = Choice("--mode", "mask, he or both.", "both", "mask", "he", "both");
    private readonly Option<string> _dataset = Choice("--dataset", "wdbc or digits.", "wdbc", "wdbc", "digits");
    private readonly Option<int> _clients = new("--clients")
    {
        Description = "Clients.",
        DefaultValueFactory = _ => Defaults.Clients,
    };

    private readonly Option<int> _rounds = new("--rounds")
    {
        Description = "Rounds of federated averaging.",
        DefaultValueFactory = _ => Defaults.Rounds,
    };

    private readonly Option<double?> _epsilon = new("--epsilon")
    {
        Description = "Target epsilon of client-level DP over all rounds (protected modes only).",
    };

    private readonly Option<string?> _epsilons = new("--epsilons")
    {
        Description = "Comma-separated target epsilons: one client-level DP demo each, and accuracy against epsilon.",
    };

    private readonly Option<double?> _recordEpsilon = new("--record-epsilon")
    {
        Description = "Each client's target epsilon of record-level DP (DP-SGD) over all rounds; "
            + "3 unless --epsilon, --epsilons or --no-dp is given.",
    };

    private readonly Option<bool> _noDp = new("--no-dp")
    {
        Description = "Train the protected modes without DP: their sums are exact, their curves the baseline's.",
    };

    private readonly Option<double> _delta = new("--delta")
    {
        Description = "Delta of client-level or record-level DP.",
        DefaultValueFactory = _ => Defaults.Delta,
    };

    private readonly Option<double> _clip = new("--clip")
    {
        Description = "With --epsilon, the L2 norm each client's whole delta is clipped to.",
        DefaultValueFactory = _ => Defaults.ClipNorm,
    };

    private readonly Option<int> _batchSize = new("--batch-size")
    {
        Description = "Expected local batch size; DP-SGD samples rows at batch / rows.",
        DefaultValueFactory = _ => Defaults.BatchSize,
    };

    private readonly Option<double?> _recordClip = new("--record-clip")
    {
        Description = "With record-level DP, the L2 norm each example's gradient is clipped to (default 1).",
    };

    private readonly Option<double?> _momentsShare = new("--moments-share")
    {
        Description = "With --standardize moments, the share of record-level epsilon spent on the moments "
            + "(default 0.3).",
    };

    private readonly Option<string> _standardize = Choice(
        "--standardize",
        "auto (exact moments from a protected round without DP, public ranges with DP), schema (public "
            + "ranges) or moments (from a protected round, noised under record-level DP).",
        Defaults.Standardization,
        "auto",
        "schema",
        "moments");

    private readonly Option<string> _partition = Choice(
        "--partition", "dirichlet (label skew, alpha 0.5) or iid.", Defaults.Partition, "iid", "dirichlet");

    private readonly Option<int> _seed = new("--seed")
    {
        Description = "Seed of the split, partition and training.",
        DefaultValueFactory = _ => Defaults.Seed,
    };

    private readonly Option<string> _server = Choice(
        "--server-optimizer", "The server optimiser of every run: fedavg, fedavgm or fedadam.", "fedavgm",
        "fedavg", "fedavgm", "fedadam");

    private readonly Option<double?> _serverRate = new("--server-lr")
    {
        Description = "The server learning rate (default 1 for fedavg and fedavgm, 0.03 for fedadam).",
    };

    private readonly Option<double?> _serverMomentum = new("--server-momentum")
    {
        Description = "beta of fedavgm, beta1 of fedadam (default 0.9).",
    };

    private readonly Option<int?> _tail = new("--tail-rounds")
    {
        Description = "The final model averages the global models of this many last rounds "
            + "(default: a quarter of the rounds).",
    };

    private readonly Option<string?> _optimizer = new("--optimizer")
    {
        Description = "The clients' optimiser: sgd (default) or adam.",
    };

    private readonly Option<double?> _learningRate = new("--lr")
    {
        Description = "The clients' learning rate (default 0.2).",
    };

    private readonly Option<int?> _localEpochs = new("--local-epochs")
    {
        Description = "Local epochs per round (default 1).",
    };

    /// <summary>Creates the options.</summary>
    public DemoArguments()
    {
        _optimizer.AcceptOnlyFromAmong("sgd", "adam");
    }

    /// <summary>Where the report goes.</summary>
    public Option<string?> Out { get; } = new("--out")
    {
        Description = "Write the report here: report.md, plots, final models and exported ledgers "
            + "(with --epsilons sweep.md and accuracy-vs-epsilon.png).",
    };

    /// <summary>Print one JSON object.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object." };

    /// <summary>Every option, in the order help lists them.</summary>
    public IEnumerable<Option> All =>
    [
        _mode, _dataset, _clients, _rounds, _epsilon, _epsilons, _recordEpsilon, _noDp, _delta, Out, Json,
        _clip, _batchSize, _recordClip, _momentsShare, _standardize, _partition, _seed, _server, _serverRate,
        _serverMomentum, _tail, _optimizer, _learningRate, _localEpochs,
    ];

    /// <summary>The budgets of --epsilons; null without it.</summary>
    public double[]? Sweep(ParseResult parse) =>
        parse.GetValue(_epsilons) is { } list ? Budgets(list) : null;

    /// <summary>The first problem with the options as given, or null when there is none.</summary>
    public string? Validate(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        bool clientLevel = parse.GetValue(_epsilon) is not null || parse.GetValue(_epsilons) is not null;
        return parse.GetValue(_clients) is < 3 or > 100 ? "--clients must be between 3 and 100."
            : parse.GetValue(_rounds) is < 1 or > 1000 ? "--rounds must be between 1 and 1000."
            : !Positive(parse.GetValue(_epsilon)) ? "--epsilon must be positive and finite."
            : !Positive(parse.GetValue(_recordEpsilon)) ? "--record-epsilon must be positive and finite."
            : parse.GetValue(_batchSize) is < 1 or > 100_000 ? "--batch-size must be from 1 to 100000."
            : parse.GetValue(_epsilons) is { } list && Budgets(list) is null
                ? "--epsilons must be a comma-separated list of positive, finite numbers."
            : parse.GetValue(_epsilons) is not null && parse.GetValue(_epsilon) is not null
                ? "--epsilon and --epsilons exclude each other."
            : parse.GetValue(_noDp) && (clientLevel || parse.GetValue(_recordEpsilon) is not null)
                ? "--no-dp excludes --epsilon, --epsilons and --record-epsilon."
            : parse.GetValue(_delta) is var d && !(d > 0 && d < 1) ? "--delta must be in (0, 1)."
            : parse.GetValue(_serverMomentum) is { } beta && !(beta >= 0 && beta < 1)
                ? "--server-momentum must lie in [0, 1)."
            : !Positive(parse.GetValue(_serverRate)) ? "--server-lr must be positive and finite."
            : !Positive(parse.GetValue(_learningRate)) ? "--lr must be positive and finite."
            : parse.GetValue(_tail) is < 1 ? "--tail-rounds must be at least 1."
            : parse.GetValue(_localEpochs) is < 1 or > 100 ? "--local-epochs must be from 1 to 100."
            : !Positive(parse.GetValue(_recordClip)) ? "--record-clip must be positive and finite."
            : parse.GetValue(_momentsShare) is { } share && !(share > 0 && share < 1)
                ? "--moments-share must lie in (0, 1)."
            : !Positive(parse.GetValue(_clip)) ? "--clip must be positive and finite."
            : null;
    }

    /// <summary>The demo the options describe; call <see cref="Validate"/> first.</summary>
    public DemoOptions ToOptions(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string modes = parse.GetValue(_mode)!;
        bool clientLevel = parse.GetValue(_epsilon) is not null || parse.GetValue(_epsilons) is not null;
        return new DemoOptions
        {
            Dataset = parse.GetValue(_dataset)!,
            Modes = modes == "both" ? ["mask", "he"] : [modes],
            Clients = parse.GetValue(_clients),
            Rounds = parse.GetValue(_rounds),
            Partition = parse.GetValue(_partition)!,
            Seed = parse.GetValue(_seed),
            Epsilon = parse.GetValue(_epsilon),

            // Record-level DP is the default privacy; client-level DP or --no-dp replace it.
            RecordEpsilon = parse.GetValue(_recordEpsilon)
                ?? (parse.GetValue(_noDp) || clientLevel ? null : Defaults.RecordEpsilon),
            BatchSize = parse.GetValue(_batchSize),
            Delta = parse.GetValue(_delta),
            ClipNorm = parse.GetValue(_clip),
            Server = ServerSettings(
                parse.GetValue(_server)!, parse.GetValue(_serverRate), parse.GetValue(_serverMomentum)),
            Training = Defaults.Training with
            {
                Optimizer = parse.GetValue(_optimizer) == "adam" ? OptimizerKind.Adam : Defaults.Training.Optimizer,
                LearningRate = parse.GetValue(_learningRate) ?? Defaults.Training.LearningRate,
                LocalEpochs = parse.GetValue(_localEpochs) ?? Defaults.Training.LocalEpochs,
            },
            RecordClipNorm = parse.GetValue(_recordClip) ?? Defaults.RecordClipNorm,
            MomentsShare = parse.GetValue(_momentsShare) ?? Defaults.MomentsShare,
            TailRounds = parse.GetValue(_tail),
            Standardization = parse.GetValue(_standardize)!,
        };
    }

    private static Option<string> Choice(
        string name, string description, string fallback, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    private static bool Positive(double? value) => value is not { } v || (v > 0 && double.IsFinite(v));

    private static ServerOptimizerOptions ServerSettings(string name, double? rate, double? momentum)
    {
        var kind = name switch
        {
            "fedavg" => ServerOptimizerKind.FedAvg,
            "fedadam" => ServerOptimizerKind.FedAdam,
            _ => ServerOptimizerKind.FedAvgM,
        };
        return new ServerOptimizerOptions
        {
            Kind = kind,
            LearningRate = rate ?? (kind == ServerOptimizerKind.FedAdam ? 0.03 : 1.0),
            Momentum = momentum ?? new ServerOptimizerOptions().Momentum,
        };
    }

    // The budgets of --epsilons, or null when one is not a positive, finite number.
    private static double[]? Budgets(string list)
    {
        var budgets = new List<double>();
        foreach (string item in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out double budget)
                || !(budget > 0 && double.IsFinite(budget)))
            {
                return null;
            }

            budgets.Add(budget);
        }

        return [.. budgets];
    }
}
