using System.Globalization;
using System.Text;
using ScottPlot;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// Writes the outcome of demos run at several epsilon budgets: sweep.md, the final test
/// accuracy against the epsilon the appliance reported, and accuracy-vs-epsilon.png.
/// </summary>
public static class EpsilonSweepWriter
{
    /// <summary>Writes both files, creating <paramref name="directory"/> if needed.</summary>
    /// <exception cref="ArgumentException">A report has no DP.</exception>
    public static void Write(IReadOnlyList<DemoReport> reports, string directory)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (reports.Count == 0 || reports.Any(r => r.ClientEpsilon is null))
        {
            throw new ArgumentException("Every report of a sweep has an epsilon.", nameof(reports));
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "sweep.md"), Markdown(reports));
        WritePlot(reports, Path.Combine(directory, "accuracy-vs-epsilon.png"));
    }

    /// <summary>One row per budget: epsilon spent, noise multiplier, accuracy of each run.</summary>
    public static string Markdown(IReadOnlyList<DemoReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var c = CultureInfo.InvariantCulture;
        var first = reports[0];
        var modes = first.Accuracy.Keys.ToArray();
        var text = new StringBuilder();
        text.AppendLine("# SecureFed demo: accuracy against epsilon");
        text.AppendLine();
        text.AppendLine(c, $"Data set `{first.Dataset}`, {first.Clients} clients ({first.Partition}), "
            + $"{first.Rounds} rounds, client-level DP at delta {first.Delta:G3}; the baseline has no DP.");
        text.AppendLine();
        text.AppendLine("| epsilon | noise multiplier | baseline | " + string.Join(" | ", modes) + " |");
        text.AppendLine("|---:|---:|---:|" + string.Concat(modes.Select(_ => "---:|")));
        foreach (var report in reports)
        {
            text.Append(c, $"| {report.ClientEpsilon:0.###} | {report.NoiseMultiplier:0.####} |");
            text.Append(c, $" {report.BaselineAccuracy:0.0000} |");
            foreach (string mode in modes)
            {
                text.Append(c, $" {report.Accuracy[mode]:0.0000} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static void WritePlot(IReadOnlyList<DemoReport> reports, string path)
    {
        var plot = new Plot();
        var ordered = reports.OrderBy(r => r.ClientEpsilon).ToArray();
        double[] epsilon = [.. ordered.Select(r => r.ClientEpsilon!.Value)];
        var baseline = plot.Add.Scatter(epsilon, ordered.Select(r => r.BaselineAccuracy).ToArray());
        baseline.LegendText = "baseline (no DP)";
        foreach (string mode in ordered[0].Accuracy.Keys)
        {
            var line = plot.Add.Scatter(epsilon, ordered.Select(r => r.Accuracy[mode]).ToArray());
            line.LegendText = mode;
        }

        var first = ordered[0];
        plot.Title(string.Create(
            CultureInfo.InvariantCulture,
            $"{first.Dataset}: test accuracy after {first.Rounds} rounds, {first.Clients} clients"));
        plot.XLabel("epsilon");
        plot.YLabel("test accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }
}
