using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScottPlot;
using SecureFed.Client.Updates;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// Writes a demo's report into a folder: report.md, accuracy.png, with DP epsilon.png, each
/// run's final model (model-RUN.safetensors, described by model.json) and each protected
/// mode's exported ledger (ledger-MODE.json).
/// </summary>
public static class DemoReportWriter
{
    private static readonly JsonSerializerOptions ModelJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes the files, creating <paramref name="directory"/> if needed.</summary>
    public static void Write(DemoReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(report));
        WritePlot(report, Path.Combine(directory, "accuracy.png"));
        if (report.EpsilonCurves.Count > 0 || report.RecordEpsilonCurves.Count > 0)
        {
            WriteEpsilonPlot(report, Path.Combine(directory, "epsilon.png"));
        }

        foreach (var (run, parameters) in report.Models)
        {
            ModelUpdateFile.Write(
                Path.Combine(directory, $"model-{run}.safetensors"), ModelUpdate.FromVector(parameters, "parameters"));
        }

        if (report.Model is { } model)
        {
            File.WriteAllText(
                Path.Combine(directory, "model.json"),
                JsonSerializer.Serialize(model, ModelJson) + Environment.NewLine);
        }

        foreach (var (mode, ledger) in report.Ledgers)
        {
            File.WriteAllBytes(Path.Combine(directory, $"ledger-{mode}.json"), ledger);
        }
    }

    /// <summary>The files <see cref="Write"/> puts in the folder for <paramref name="report"/>.</summary>
    public static IReadOnlyList<string> Files(DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var files = new List<string> { "report.md", "accuracy.png" };
        if (report.EpsilonCurves.Count > 0 || report.RecordEpsilonCurves.Count > 0)
        {
            files.Add("epsilon.png");
        }

        files.AddRange(report.Models.Keys.Select(run => $"model-{run}.safetensors"));
        if (report.Model is not null)
        {
            files.Add("model.json");
        }

        files.AddRange(report.Ledgers.Keys.Select(mode => $"ledger-{mode}.json"));
        return files;
    }

    /// <summary>The report as Markdown: the setting, then test accuracy per round per run.</summary>
    public static string Markdown(DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# SecureFed demo");
        text.AppendLine();
        text.AppendLine(c, $"Data set `{report.Dataset}`, {report.Clients} clients ({report.Partition}), "
            + $"{report.Rounds} rounds of federated averaging, {report.Seconds} s in all.");
        text.AppendLine(c, $"Protected rounds sum residues modulo 2^{report.Bits}; "
            + $"client-level epsilon {(report.ClientEpsilon is { } e ? e.ToString("0.###", c) : "none")}.");
        if (report.ClientEpsilon is not null)
        {
            text.AppendLine(c, $"Client-level DP at delta {report.Delta:G3}: each client's delta clipped to L2 norm "
                + $"{report.ClipNorm:G3}, distributed discrete Gaussian noise of multiplier "
                + $"{report.NoiseMultiplier:0.####}, unweighted average; epsilon as the appliance accounted it.");
            text.AppendLine("The baseline has no DP.");
        }

        if (report.RecordEpsilon is { } record)
        {
            text.AppendLine("Record-level DP in local training (DP-SGD: Poisson-sampled batches, "
                + "per-example clipping, exact discrete Gaussian noise): each client spent at most "
                + string.Create(c, $"epsilon {record:0.###} at delta {report.Delta:G3} on its own records, ")
                + "as its own accountant reports it. The baseline has no DP.");
        }

        if (report.Standardization.Length > 0)
        {
            text.AppendLine(c, $"Features standardised by {report.Standardization}.");
        }

        text.AppendLine();
        text.AppendLine("| run | final test accuracy |");
        text.AppendLine("|---|---:|");
        text.AppendLine(c, $"| baseline (plaintext FedAvg, no DP) | {report.BaselineAccuracy:0.0000} |");
        foreach (var (mode, accuracy) in report.Accuracy)
        {
            text.AppendLine(c, $"| {mode} | {accuracy:0.0000} |");
        }

        text.AppendLine();
        text.AppendLine("Test accuracy after each round:");
        text.AppendLine();

        var runs = report.Curves.Keys.ToArray();
        text.AppendLine("| round | " + string.Join(" | ", runs) + " |");
        text.AppendLine("|---:|" + string.Concat(runs.Select(_ => "---:|")));
        for (int round = 0; round < report.Rounds; round++)
        {
            text.Append(c, $"| {round + 1} |");
            foreach (string run in runs)
            {
                text.Append(c, $" {report.Curves[run][round]:0.0000} |");
            }

            text.AppendLine();
        }

        if (report.EpsilonCurves.Count > 0)
        {
            AppendEpsilonTable(
                report, text, report.EpsilonCurves, "Epsilon spent after each round, as the appliance reports it:");
        }

        if (report.RecordEpsilonCurves.Count > 0)
        {
            AppendEpsilonTable(
                report,
                text,
                report.RecordEpsilonCurves,
                "Record-level epsilon after each round, the largest any client's accountant reports:");
        }

        AppendFiles(report, text);
        return text.ToString();
    }

    private static void AppendFiles(DemoReport report, StringBuilder text)
    {
        if (report.Models.Count == 0 && report.Ledgers.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("Files:");
        text.AppendLine();
        foreach (string run in report.Models.Keys)
        {
            text.AppendLine($"- `model-{run}.safetensors`: the {run} run's final global parameters, one float32 "
                + "tensor `parameters`; `model.json` gives the architecture, the classes and the standardisation.");
        }

        foreach (string mode in report.Ledgers.Keys)
        {
            text.AppendLine($"- `ledger-{mode}.json`: the {mode} appliance's ledger, exported as "
                + "`securefed-enclave ledger export` writes it, for auditors.");
        }
    }

    private static void AppendEpsilonTable(
        DemoReport report, StringBuilder text, IReadOnlyDictionary<string, double[]> curves, string caption)
    {
        var c = CultureInfo.InvariantCulture;
        var modes = curves.Keys.ToArray();
        text.AppendLine();
        text.AppendLine(caption);
        text.AppendLine();
        text.AppendLine("| round | " + string.Join(" | ", modes) + " |");
        text.AppendLine("|---:|" + string.Concat(modes.Select(_ => "---:|")));
        for (int round = 0; round < report.Rounds; round++)
        {
            text.Append(c, $"| {round + 1} |");
            foreach (string mode in modes)
            {
                text.Append(c, $" {curves[mode][round]:0.###} |");
            }

            text.AppendLine();
        }
    }

    private static void WriteEpsilonPlot(DemoReport report, string path)
    {
        var plot = new Plot();
        double[] rounds = [.. Enumerable.Range(1, report.Rounds).Select(r => (double)r)];
        foreach (var (mode, epsilon) in report.EpsilonCurves)
        {
            var line = plot.Add.Scatter(rounds, epsilon);
            line.LegendText = $"{mode} (client-level)";
        }

        foreach (var (mode, epsilon) in report.RecordEpsilonCurves)
        {
            var line = plot.Add.Scatter(rounds, epsilon);
            line.LegendText = $"{mode} (record-level, largest client)";
        }

        plot.Title(string.Create(
            CultureInfo.InvariantCulture, $"{report.Dataset}: epsilon spent, delta {report.Delta:G3}"));
        plot.XLabel("round");
        plot.YLabel("epsilon");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }

    private static void WritePlot(DemoReport report, string path)
    {
        var plot = new Plot();
        double[] rounds = [.. Enumerable.Range(1, report.Rounds).Select(r => (double)r)];
        foreach (var (run, accuracy) in report.Curves)
        {
            var line = plot.Add.Scatter(rounds, accuracy);
            line.LegendText = run;
        }

        string privacy = report.ClientEpsilon is { } epsilon
            ? string.Create(CultureInfo.InvariantCulture, $", DP epsilon {epsilon:0.##}")
            : report.RecordEpsilon is { } record
                ? string.Create(CultureInfo.InvariantCulture, $", record-level DP epsilon {record:0.##}")
                : "";
        plot.Title($"{report.Dataset}: test accuracy, {report.Clients} clients ({report.Partition}){privacy}");
        plot.XLabel("round");
        plot.YLabel("test accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }
}
