using System.Globalization;
using System.Text;
using ScottPlot;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// Writes a demo's report.md and accuracy.png into a folder, and with DP epsilon.png.
/// </summary>
public static class DemoReportWriter
{
    /// <summary>Writes the files, creating <paramref name="directory"/> if needed.</summary>
    public static void Write(DemoReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(report));
        WritePlot(report, Path.Combine(directory, "accuracy.png"));
        if (report.EpsilonCurves.Count > 0)
        {
            WriteEpsilonPlot(report, Path.Combine(directory, "epsilon.png"));
        }
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
            + $"client-level epsilon {(report.Epsilon is { } e ? e.ToString("0.###", c) : "none")}.");
        if (report.Epsilon is not null)
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
            AppendEpsilonTable(report, text);
        }

        return text.ToString();
    }

    private static void AppendEpsilonTable(DemoReport report, StringBuilder text)
    {
        var c = CultureInfo.InvariantCulture;
        var modes = report.EpsilonCurves.Keys.ToArray();
        text.AppendLine();
        text.AppendLine("Epsilon spent after each round, as the appliance reports it:");
        text.AppendLine();
        text.AppendLine("| round | " + string.Join(" | ", modes) + " |");
        text.AppendLine("|---:|" + string.Concat(modes.Select(_ => "---:|")));
        for (int round = 0; round < report.Rounds; round++)
        {
            text.Append(c, $"| {round + 1} |");
            foreach (string mode in modes)
            {
                text.Append(c, $" {report.EpsilonCurves[mode][round]:0.###} |");
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
            line.LegendText = mode;
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

        string privacy = report.Epsilon is { } epsilon
            ? string.Create(CultureInfo.InvariantCulture, $", DP epsilon {epsilon:0.##}")
            : "";
        plot.Title($"{report.Dataset}: test accuracy, {report.Clients} clients ({report.Partition}){privacy}");
        plot.XLabel("round");
        plot.YLabel("test accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }
}
