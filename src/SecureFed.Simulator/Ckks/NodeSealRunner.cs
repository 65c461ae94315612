using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SecureFed.Simulator.Cli;

namespace SecureFed.Simulator.Ckks;

/// <summary>
/// Runs the node-seal reference benchmark (<c>bench/node-seal/run.sh</c>) as a child process,
/// so that both engines are measured in one run on one machine.
/// </summary>
internal static class NodeSealRunner
{
    private const string ScriptPath = "bench/node-seal/run.sh";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Finds the script above the working directory or the executable, runs it and parses
    /// its JSON.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The script is missing, fails, times out or prints something other than its JSON.
    /// </exception>
    public static NodeSealReport Run(int repetitions)
    {
        string script = FindScript()
            ?? throw new InvalidOperationException(
                $"{ScriptPath} was not found above the working directory; run from the " +
                "repository.");

        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--repetitions");
        start.ArgumentList.Add(repetitions.ToString(CultureInfo.InvariantCulture));

        using Process process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start bash for node-seal.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The node-seal benchmark timed out.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The node-seal benchmark failed (exit {process.ExitCode}): " +
                errors.Result.Trim());
        }

        try
        {
            return JsonSerializer.Deserialize<NodeSealReport>(output.Result, Output.JsonOptions)
                ?? throw new InvalidOperationException("The node-seal benchmark printed null.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                "The node-seal benchmark printed no JSON object: " + e.Message, e);
        }
    }

    private static string? FindScript()
    {
        foreach (string origin in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? directory = new(origin); directory is not null;
                directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, ScriptPath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
