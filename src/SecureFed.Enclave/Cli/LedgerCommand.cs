using System.CommandLine;
using System.Text;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// <c>securefed-enclave ledger export</c>: writes the whole ledger, with a checkpoint freshly
/// signed over it, in the export format that <c>securefed-audit verify --ledger</c> reads,
/// and with <c>--contributions DIR</c> the evidence an auditor spot-checks aggregates with
/// (<see cref="ContributionExport"/>). It reads the state offline, so it is safe beside a
/// running appliance.
/// </summary>
internal static class LedgerCommand
{
    /// <summary>Builds the command tree.</summary>
    public static Command Create() => new("ledger", "The appliance's signed, hash-chained ledger.")
    {
        Export(),
    };

    private static Command Export()
    {
        var stateDir = CliOptions.StateDir("The appliance's state directory.");
        var output = new Option<string>("--out") { Description = "The file to write the export to." };
        var force = new Option<bool>("--force")
        {
            Description = "Replace --out if it exists, and files in a non-empty --contributions directory.",
        };
        var contributions = new Option<string?>("--contributions")
        {
            Description = "Also write each completed round's contributions, leaf hashes, aggregate, sum and " +
                "unmasking evidence under this directory, for the aggregate spot check.",
        };
        var json = CliOptions.Json();
        var command = new Command("export", "Write the ledger for auditors; never overwrites unless --force.")
        {
            stateDir, output, contributions, force, json,
        };
        command.SetAction(parse => Output.Run(
            parse.GetValue(json),
            () =>
            {
                string directory = CliOptions.InitialisedStateDir(parse, stateDir);
                string path = Path.GetFullPath(CliOptions.Required(parse, output));
                bool replace = parse.GetValue(force);
                RequireWritable(path, replace, output.Name, force.Name);
                string? evidence = parse.GetValue(contributions) is { Length: > 0 } given
                    ? Path.GetFullPath(given)
                    : null;
                if (evidence is not null)
                {
                    RequireEmptyDirectory(evidence, replace, contributions.Name, force.Name);
                }

                return Write(directory, path, replace, evidence);
            },
            Print));
        return command;
    }

    private static void RequireWritable(string path, bool replace, string option, string forceOption)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' is a directory.");
        }

        if (File.Exists(path) && !replace)
        {
            throw new UsageException($"{option}: '{path}' exists; add {forceOption} to replace it.");
        }

        string? parent = Path.GetDirectoryName(path);
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new UsageException($"{option}: directory '{parent}' does not exist.");
        }
    }

    private static void RequireEmptyDirectory(string path, bool replace, string option, string forceOption)
    {
        if (File.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' is a file.");
        }

        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !replace)
        {
            throw new UsageException($"{option}: '{path}' is not empty; add {forceOption} to write into it.");
        }

        string? parent = Path.GetDirectoryName(path);
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new UsageException($"{option}: directory '{parent}' does not exist.");
        }
    }

    private static LedgerExportReport Write(string directory, string path, bool replace, string? evidence)
    {
        using var database = EnclaveDatabase.Open(directory, create: false);
        using var ledger = new LedgerStore(database, ApplianceState.LoadLedgerKey(directory));
        var (entries, checkpoint) = ledger.Snapshot();
        string text = LedgerExport.Serialize(new LedgerExport(ledger.PublicKey, entries, checkpoint));

        // Written beside the target and moved into place, so that a reader never sees half an
        // export and a failed write leaves an existing file as it was.
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, path, overwrite: replace);
        }
        finally
        {
            File.Delete(temporary);
        }

        // The same snapshot's entries name the rounds, so the evidence matches the export.
        ContributionExportSummary? summary = evidence is null
            ? null
            : ContributionExport.Write(directory, entries, evidence);
        return new LedgerExportReport(
            path,
            (ulong)entries.Count,
            entries.Count == 0 ? null : CliOptions.Hex(entries[^1].Hash.Span),
            CliOptions.Hex(ledger.PublicKey.Bytes.Span),
            checkpoint.TreeSize)
        {
            ContributionsDirectory = summary?.Directory,
            ContributionRounds = summary?.Rounds,
            Contributions = summary?.Contributions,
            MissingFiles = summary?.MissingFiles,
        };
    }

    private static void Print(LedgerExportReport r)
    {
        Console.WriteLine($"Exported {r.Entries} ledger entries to {r.File}");
        Console.WriteLine($"  head: {r.HeadHash ?? "none"}");
        Console.WriteLine($"  ledger key (public): {r.LedgerPublicKey}");
        Console.WriteLine($"  checkpoint over {r.CheckpointTreeSize} entries");
        if (r.ContributionsDirectory is not null)
        {
            Console.WriteLine(
                $"  contributions of {r.ContributionRounds} rounds ({r.Contributions} files) in " +
                $"{r.ContributionsDirectory}; {r.MissingFiles} files missing from the spool");
        }
    }
}
