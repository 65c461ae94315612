using System.Diagnostics;
using System.Text.Json;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Client.Tests.Federation;

/// <summary>
/// Runs <c>scripts/loopback-federation.sh</c>: a federation CA, the appliance, three
/// custodians and five clients, each a separate process, one round per mode. The binaries
/// are the ones built beside this test (the test project references the client and,
/// through the simulator, the appliance), so the script does not build again.
/// </summary>
public sealed class LoopbackFederationScriptTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    private readonly string _work =
        Path.Combine(Path.GetTempPath(), "securefed-script-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task SeparateProcessesRunOneRoundPerModeAndTheLedgerVerifies()
    {
        using var summary = await RunScriptAsync("--dim", "96");
        var root = summary.RootElement;

        Assert.Equal([96, 96], ModelDimensions(root));
        Assert.False(root.TryGetProperty("training", out _));
        await AssertBothRoundsCompletedAndVerifyAsync(root);
    }

    [Fact]
    public async Task TrainedUpdatesOfLogisticRegressionOnWdbcRunOneRoundPerMode()
    {
        using var summary = await RunScriptAsync("--train");
        var root = summary.RootElement;

        // Each client trained on its round-robin share of the 569 rows, under record-level DP.
        var training = root.GetProperty("training").EnumerateArray().ToList();
        Assert.Equal(5, training.Count);
        Assert.Equal(569, training.Sum(t => t.GetProperty("examples").GetInt32()));
        Assert.All(training, t =>
        {
            double accuracy = t.GetProperty("accuracy_after").GetDouble();
            Assert.True(accuracy > 0 && accuracy <= 1, $"accuracy {accuracy}");
            double epsilon = t.GetProperty("record_epsilon").GetDouble();
            Assert.True(epsilon > 0 && epsilon <= 3, $"record epsilon {epsilon}");
        });

        // Logistic regression on 30 features and 2 classes: 2 x 30 weights and 2 biases, and
        // both rounds were opened for exactly that many values.
        Assert.All(training, t => Assert.Equal(62, t.GetProperty("parameters").GetInt32()));
        Assert.Equal([62, 62], ModelDimensions(root));
        await AssertBothRoundsCompletedAndVerifyAsync(root);
    }

    private async Task<JsonDocument> RunScriptAsync(params string[] options)
    {
        string script = Path.Combine(RepositoryRoot(), "scripts", "loopback-federation.sh");
        var (exit, stdout, stderr) = await RunAsync(
            "bash", [script, "--bin", AppContext.BaseDirectory, "--work", _work, "--keep", .. options]);
        Assert.True(exit == 0, $"The script failed ({exit}):\n{stderr}");
        return JsonDocument.Parse(stdout);
    }

    private static int[] ModelDimensions(JsonElement root) =>
        [.. root.GetProperty("model_dimensions").EnumerateArray().Select(d => d.GetInt32())];

    private async Task AssertBothRoundsCompletedAndVerifyAsync(JsonElement root)
    {
        // The appliance stopped cleanly on SIGTERM, as under systemd.
        Assert.Equal(0, root.GetProperty("appliance_exit").GetInt32());
        Assert.True(root.GetProperty("appliance_peak_rss_bytes").GetInt64() > 0);

        // Both rounds completed with all five clients, each receipt verified by its client.
        Assert.Equal(10, root.GetProperty("contributed").GetInt32());
        Assert.Equal(10, root.GetProperty("receipts_verified").GetInt32());
        var clients = root.GetProperty("clients").EnumerateArray().ToList();
        Assert.Equal(["mask", "he"], clients.Select(c => c.GetProperty("mode").GetString()).Distinct());
        Assert.All(clients, c => Assert.Equal(5, c.GetProperty("contributors").GetInt32()));

        // Each client charged both rounds to its own budget.
        Assert.All(clients, c => Assert.True(c.GetProperty("epsilon_charged").GetDouble() > 0));
        Assert.All(clients.Where(c => c.GetProperty("mode").GetString() == "he"), c => Assert.True(
            c.GetProperty("epsilon_spent").GetDouble() > c.GetProperty("epsilon_charged").GetDouble()));
        Assert.Equal(2u, root.GetProperty("status").GetProperty("rounds_completed").GetUInt64());

        // The HE round was decrypted by exactly the threshold of custodians.
        int served = root.GetProperty("custodians").EnumerateArray()
            .Count(c => c.TryGetProperty("served", out var s) && s.GetArrayLength() == 1);
        Assert.Equal(2, served);

        // The exported ledger verifies against the key the appliance printed at init, and
        // records both rounds' contributions and closes.
        var export = LedgerExport.Deserialize(await File.ReadAllTextAsync(Path.Combine(_work, "ledger.json")));
        string initKey = root.GetProperty("ledger_public_key").GetString()!;
        Assert.Equal(initKey, Convert.ToHexStringLower(export.LedgerPublicKey.Bytes.Span));
        Assert.True(LedgerVerifier.Verify(export.Entries, export.LedgerPublicKey).Ok);
        Assert.True(LedgerVerifier.VerifyCheckpoint(export.Entries, export.Checkpoint, export.LedgerPublicKey).Ok);
        Assert.Equal(10, export.Entries.Count(e => e.Kind == "contribution"));
        Assert.Equal(2, export.Entries.Count(e => e.Kind == "round.closed"));
        Assert.Equal(2, export.Entries.Count(e => e.Kind == "decryption.share"));

        // Every receipt a client kept is a valid inclusion proof under the same key.
        var receipts = Directory.GetFiles(Path.Combine(_work, "parties"), "round-*.json", SearchOption.AllDirectories);
        Assert.Equal(10, receipts.Length);
        foreach (string path in receipts)
        {
            var receipt = LedgerReceipt.FromJson(await File.ReadAllTextAsync(path));
            Assert.True(receipt.Verify(export.LedgerPublicKey), path);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecureFed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SecureFed.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The script ran past {Limit}:\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
