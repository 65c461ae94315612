using System.CommandLine;
using System.Globalization;
using SecureFed.Client.Training;
using SecureFed.Training;
using SecureFed.Training.Models;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed train</c>: trains the client's local model on its own CSV file, from the
/// global parameters or a seeded start, and writes the update that
/// <c>securefed participate --update</c> sends.
/// </summary>
internal static class TrainCommand
{
    private const string StandardizationHelp =
        "JSON {\"mean\": [...], \"scale\": [...]}, one number per feature in the CSV's column "
        + "order without the label column; each feature x becomes (x - mean) / scale. An "
        + "optional \"preprocessing\" array of {\"min\", \"max\", \"log_offset\"} per feature "
        + "clamps x to [min, max] and, with an offset, takes ln(x + offset) first.";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new TrainOptions();
        var command = new Command(
            "train",
            "Train the local model on this client's CSV and write the update for participate.")
        {
            o.Data, o.LabelColumn, o.Classes, o.Model, o.Hidden, o.Epochs, o.BatchSize,
            o.Optimizer, o.LearningRate, o.Seed, o.Global, o.Standardization, o.UpdateOut,
            o.WeightByExamples, o.ModelOut, o.RecordEpsilon, o.RecordDelta, o.ClipNorm,
            o.PlannedRounds, o.StateDir, o.Json,
        };
        command.SetAction(parse => Output.Run(
            parse.GetValue(o.Json),
            () => TrainRun.Execute(o.Request(parse)),
            Print));
        return command;
    }

    private static void Print(TrainReport report)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"trained {report.Model} ({report.Parameters} parameters) from {report.StartedFrom} "
            + $"on {report.Examples} examples of {report.Data}"));
        Console.WriteLine(string.Create(c,
            $"  accuracy on the data: {report.AccuracyBefore:P1} before, "
            + $"{report.AccuracyAfter:P1} after"));
        if (report.TrainLoss is { } loss)
        {
            Console.WriteLine(string.Create(c, $"  train loss (last epoch): {loss:G4}"));
        }

        if (report.RecordEpsilon is { } epsilon)
        {
            Console.WriteLine(string.Create(c,
                $"  record-level DP: epsilon {epsilon:G4} of {report.RecordTargetEpsilon:G4} "
                + $"spent at delta {report.RecordDelta:G3} ({report.Steps} steps, noise "
                + $"multiplier {report.NoiseMultiplier:G4}, sample rate {report.SampleRate:G3})"));
            Console.WriteLine($"  accountant: {report.RecordAccountant}");
        }

        string weighted = report.WeightedByExamples ? ", n-weighted with n last" : string.Empty;
        Console.WriteLine(string.Create(c,
            $"  update: {report.Update} ({report.UpdateLength} values{weighted})"));
        if (report.ModelOut is { } model)
        {
            Console.WriteLine($"  model: {model}");
        }
    }

    /// <summary>The command's options, and how they become a checked request.</summary>
    private sealed class TrainOptions
    {
        public Option<string> Data { get; } = new("--data")
        {
            Description = "This client's CSV file: a header row, a label column, numbers elsewhere.",
        };

        public Option<string> LabelColumn { get; } = new("--label-column")
        {
            Description = "The CSV column that holds the class.",
        };

        public Option<string> Classes { get; } = new("--classes")
        {
            Description = "The federation's class list, a,b,...: a class's index is its position. "
                + "A row with another label is refused.",
        };

        public Option<string> Model { get; } = new("--model")
        {
            Description = "logreg (default) or mlp.",
        };

        public Option<string> Hidden { get; } = new("--hidden")
        {
            Description = "The MLP's hidden units (default 64).",
        };

        public Option<string> Epochs { get; } = new("--epochs")
        {
            Description = "Passes over the data (default 1).",
        };

        public Option<string> BatchSize { get; } = new("--batch-size")
        {
            Description = "Rows per step (default 32); the expected batch under record-level DP.",
        };

        public Option<string> Optimizer { get; } = new("--optimizer")
        {
            Description = "sgd (default) or adam.",
        };

        public Option<string> LearningRate { get; } = new("--learning-rate")
        {
            Description = "The optimiser's learning rate (default 0.1).",
        };

        public Option<string> Seed { get; } = new("--seed")
        {
            Description = "Seeds the start parameters when there is no --global (default 0): "
                + "clients with one seed start alike.",
        };

        public Option<string> Global { get; } = new("--global")
        {
            Description = "The global parameters to start from: flat float32 .npy or .safetensors "
                + "of exactly the model's parameter count.",
        };

        public Option<string> Standardization { get; } = new("--standardization")
        {
            Description = "Applied before training: " + StandardizationHelp,
        };

        public Option<string> UpdateOut { get; } = new("--update-out")
        {
            Description = "Where the update goes: trained minus start parameters, flat float32 "
                + ".npy (or .safetensors by extension).",
        };

        public Option<bool> WeightByExamples { get; } = new("--weight-by-examples")
        {
            Description = "Write n times the update followed by n, the local example count, as "
                + "one extra last value, so that FedAvg's weights travel inside the protected "
                + "vector. n is exact and not covered by record-level DP.",
        };

        public Option<string> ModelOut { get; } = new("--model-out")
        {
            Description = "Where the trained parameters go (flat float32 .npy or .safetensors).",
        };

        public Option<string> RecordEpsilon { get; } = new("--record-epsilon")
        {
            Description = "Record-level DP-SGD: the epsilon of all --planned-rounds calls together; "
                + "needs --record-delta, --planned-rounds and --state-dir.",
        };

        public Option<string> RecordDelta { get; } = new("--record-delta")
        {
            Description = "The delta of --record-epsilon, in (0, 1).",
        };

        public Option<string> ClipNorm { get; } = new("--clip-norm")
        {
            Description = "Record-level DP: each example's gradient is clipped to this L2 norm "
                + "(default 1).",
        };

        public Option<string> PlannedRounds { get; } = new("--planned-rounds")
        {
            Description = "Record-level DP: the calls the noise is calibrated for, at the first "
                + "call; a call past --record-epsilon is refused.",
        };

        public Option<string> StateDir { get; } = new("--state-dir")
        {
            Description = "Record-level DP: the state folder that keeps the accountant "
                + $"({RecordLevelAccountant.FileName}, mode 0600) across calls.",
        };

        public Option<bool> Json { get; } = PkiOptions.Json();

        public TrainingRequest Request(ParseResult parse)
        {
            string data = ClientOptions.ExistingFile(parse, Data);
            string label = PkiOptions.Required(parse, LabelColumn);
            string[] classes = ClassList(parse);
            var training = new TrainingOptions
            {
                Model = Choice(parse, Model, "logreg", ModelKind.LogisticRegression, "mlp", ModelKind.Mlp),
                HiddenUnits = ClientOptions.Integer(parse, Hidden, 1, 1 << 16, fallback: 64),
                LocalEpochs = ClientOptions.Integer(parse, Epochs, 1, 100_000, fallback: 1),
                BatchSize = ClientOptions.Integer(parse, BatchSize, 1, 1 << 20, fallback: 32),
                Optimizer = Choice(parse, Optimizer, "sgd", OptimizerKind.Sgd, "adam", OptimizerKind.Adam),
                LearningRate = ClientOptions.Positive(parse, LearningRate, 0.1),
                Seed = ClientOptions.Integer(parse, Seed, 0, int.MaxValue, fallback: 0),
            };
            if (parse.GetValue(Hidden) is not null && training.Model != ModelKind.Mlp)
            {
                throw new UsageException($"{Hidden.Name} is only used with {Model.Name} mlp.");
            }

            string? global = parse.GetValue(Global) is null ? null : ClientOptions.ExistingFile(parse, Global);
            string? standardization = parse.GetValue(Standardization) is null
                ? null
                : ClientOptions.ExistingFile(parse, Standardization);
            string[] inputs = [data, .. Inputs(global), .. Inputs(standardization)];
            string update = OutputFile(parse, UpdateOut, inputs);
            string? model = parse.GetValue(ModelOut) is null
                ? null
                : OutputFile(parse, ModelOut, [.. inputs, update]);

            return new TrainingRequest(
                data, label, classes, training, global, standardization, update,
                parse.GetValue(WeightByExamples), model, RecordLevelDp(parse));
        }

        private static string[] Inputs(string? path) => path is null ? [] : [path];

        private string[] ClassList(ParseResult parse)
        {
            string text = PkiOptions.Required(parse, Classes);
            string[] classes = [.. text.Split(',').Select(name => name.Trim())];
            if (classes.Length < 2 || classes.Any(name => name.Length == 0))
            {
                throw new UsageException(
                    $"{Classes.Name} must list at least two non-empty classes, a,b,..., not '{text}'.");
            }

            if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Length)
            {
                throw new UsageException($"{Classes.Name} names a class twice: '{text}'.");
            }

            return classes;
        }

        private RecordLevelDpRequest? RecordLevelDp(ParseResult parse)
        {
            if (parse.GetValue(RecordEpsilon) is null)
            {
                Option<string>? stray = new[] { RecordDelta, ClipNorm, PlannedRounds, StateDir }
                    .FirstOrDefault(option => parse.GetValue(option) is not null);
                return stray is null
                    ? null
                    : throw new UsageException($"{stray.Name} is only used with {RecordEpsilon.Name}.");
            }

            double epsilon = ClientOptions.Positive(parse, RecordEpsilon, double.NaN);
            string deltaText = PkiOptions.Required(parse, RecordDelta);
            if (!double.TryParse(deltaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double delta)
                || !(delta > 0 && delta < 1))
            {
                throw new UsageException($"{RecordDelta.Name} must lie in (0, 1), not '{deltaText}'.");
            }

            double clip = ClientOptions.Positive(parse, ClipNorm, 1.0);
            int rounds = ClientOptions.Integer(parse, PlannedRounds, 1, 1_000_000);
            string stateDir = Path.GetFullPath(PkiOptions.Required(parse, StateDir));
            return new RecordLevelDpRequest(epsilon, delta, clip, rounds, stateDir);
        }

        private static T Choice<T>(
            ParseResult parse, Option<string> option, string firstName, T first, string secondName, T second)
        {
            string? text = parse.GetValue(option);
            if (text is null || text == firstName)
            {
                return first;
            }

            return text == secondName
                ? second
                : throw new UsageException($"{option.Name} must be {firstName} or {secondName}, not '{text}'.");
        }

        // An output never replaces an input: the update of a call must not destroy the data or
        // the global model it was computed from.
        private static string OutputFile(ParseResult parse, Option<string> option, string[] inputs)
        {
            string path = Path.GetFullPath(PkiOptions.Required(parse, option));
            string extension = Path.GetExtension(path);
            if (!extension.Equals(".npy", StringComparison.OrdinalIgnoreCase)
                && !extension.Equals(".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"{option.Name} must name a .npy or .safetensors file, not '{path}'.");
            }

            if (inputs.Any(input => string.Equals(input, path, StringComparison.Ordinal)))
            {
                throw new UsageException($"{option.Name} '{path}' is also an input; it is never overwritten.");
            }

            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new UsageException($"{option.Name}: the folder of '{path}' does not exist.");
            }

            return path;
        }
    }
}
