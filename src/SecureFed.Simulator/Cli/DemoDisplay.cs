// What a person at a terminal sees while the demo runs: one live table, a row per run, with
// its round, the clients done with local training, the test accuracy and the epsilon spent.
// When the output is not a terminal (a pipe, a CI log) the same facts come as one plain line
// per round, and with --json nothing is printed until the final object.

using System.Globalization;
using SecureFed.Simulator.Demo;
using Spectre.Console;

namespace SecureFed.Simulator.Cli;

/// <summary>Shows the demo's progress as it runs.</summary>
internal sealed class DemoDisplay
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly Lock _gate = new();
    private readonly Table _table = new();
    private readonly Dictionary<string, int> _rows = [];
    private readonly bool _quiet;
    private readonly bool _live;

    /// <summary>Chooses the live table, plain lines or silence.</summary>
    public DemoDisplay(bool quiet)
    {
        _quiet = quiet;
        _live = !quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        _table.Border(TableBorder.Rounded);
        _table.AddColumns("run", "round", "clients trained", "test accuracy", "client-level ε", "record-level ε");
        foreach (int column in new[] { 1, 2, 3, 4, 5 })
        {
            _table.Columns[column].RightAligned();
        }
    }

    /// <summary>Runs <paramref name="work"/>, handing it the progress listener to report to.</summary>
    public async Task<T> RunAsync<T>(Func<Action<DemoProgress>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!_live)
        {
            return await work(PrintLine).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Live(_table).StartAsync(async context =>
        {
            result = await work(progress =>
            {
                lock (_gate)
                {
                    Update(progress);
                    context.Refresh();
                }
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    private void Update(DemoProgress progress)
    {
        string[] cells =
        [
            progress.Run,
            string.Create(Invariant, $"{progress.Round}/{progress.Rounds}"),
            string.Create(Invariant, $"{progress.ClientsTrained}/{progress.Clients}"),
            progress.Accuracy is { } accuracy ? accuracy.ToString("0.0000", Invariant) : "…",
            progress.Epsilon is { } epsilon ? epsilon.ToString("0.###", Invariant) : "-",
            progress.RecordEpsilon is { } record ? record.ToString("0.###", Invariant) : "-",
        ];
        if (!_rows.TryGetValue(progress.Run, out int row))
        {
            row = _table.Rows.Count;
            _rows[progress.Run] = row;
            _table.AddRow(cells);
            return;
        }

        // A row keeps the last accuracy while the next round's clients train.
        for (int column = 0; column < cells.Length; column++)
        {
            if (column != 3 || progress.Accuracy is not null)
            {
                _table.UpdateCell(row, column, cells[column]);
            }
        }
    }

    private void PrintLine(DemoProgress progress)
    {
        if (_quiet || progress.Accuracy is not { } accuracy)
        {
            return;
        }

        string line = string.Create(
            Invariant,
            $"{progress.Run,-8} round {progress.Round,3}/{progress.Rounds}  test accuracy {accuracy:0.0000}");
        if (progress.Epsilon is { } epsilon)
        {
            line += string.Create(Invariant, $"  epsilon {epsilon:0.###}");
        }

        if (progress.RecordEpsilon is { } record)
        {
            line += string.Create(Invariant, $"  record-level epsilon {record:0.###}");
        }

        Console.WriteLine(line);
    }
}
