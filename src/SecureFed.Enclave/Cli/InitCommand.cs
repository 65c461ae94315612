using System.CommandLine;
using SecureFed.Crypto.Ckks;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Storage;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// <c>securefed-enclave init</c>: creates the appliance's state directory from the federation
/// CA's certificate and the appliance's certificate and key, and fixes the federation's
/// privacy budget and HE parameters. It never overwrites existing state.
/// </summary>
internal static class InitCommand
{
    private const double DefaultEpsilon = 8;

    private const double DefaultDelta = 1e-5;

    private const int DefaultRingDegree = 8192;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stateDir = CliOptions.StateDir("The state directory to create (absent or empty).");
        var caCert = new Option<string>("--ca-cert") { Description = "The federation CA's certificate (PEM)." };
        var cert = new Option<string>("--cert")
        {
            Description = "The appliance's TLS certificate (PEM), issued by the federation CA.",
        };
        var key = new Option<string>("--key") { Description = "The certificate's private key (PEM, mode 0600)." };
        var epsilon = new Option<string>("--epsilon")
        {
            Description = $"The federation's privacy budget: epsilon (default {DefaultEpsilon}).",
        };
        var delta = new Option<string>("--delta")
        {
            Description = $"The federation's privacy budget: delta, in (0, 1) (default {DefaultDelta}).",
        };
        var ringDegree = new Option<string>("--ring-degree")
        {
            Description = $"The HE mode's CKKS ring degree (default {DefaultRingDegree}).",
        };
        var json = CliOptions.Json();
        var command = new Command("init", "Create the appliance's state; never overwrites any.")
        {
            stateDir, caCert, cert, key, epsilon, delta, ringDegree, json,
        };
        command.SetAction(parse => Output.Run(
            parse.GetValue(json),
            () =>
            {
                // Every check that needs no file written runs first, so that bad input leaves
                // nothing behind.
                string directory = Path.GetFullPath(CliOptions.Required(parse, stateDir));
                RequireEmpty(directory, stateDir.Name);
                string caPath = CliOptions.ExistingFile(parse, caCert);
                string certificatePath = CliOptions.ExistingFile(parse, cert);
                string keyPath = CliOptions.ExistingFile(parse, key);
                double epsilonLimit = CliOptions.Positive(parse, epsilon, DefaultEpsilon);
                double deltaValue = CliOptions.Positive(parse, delta, DefaultDelta);
                if (deltaValue >= 1)
                {
                    throw new UsageException($"{delta.Name} must be below 1, not '{parse.GetValue(delta)}'.");
                }

                int degree = CliOptions.Integer(parse, ringDegree, 1, int.MaxValue) ?? DefaultRingDegree;
                RequireSupportedRingDegree(degree, ringDegree.Name);
                return Initialize(directory, caPath, certificatePath, keyPath, epsilonLimit, deltaValue, degree);
            },
            Print));
        return command;
    }

    private static InitReport Initialize(
        string directory, string caPath, string certificatePath, string keyPath,
        double epsilonLimit, double delta, int ringDegree)
    {
        bool existed = Directory.Exists(directory);
        FederationFacts facts;
        try
        {
            facts = ApplianceState.Initialize(
                directory, caPath, certificatePath, keyPath, epsilonLimit, delta, ringDegree);
        }
        catch (Exception error)
        {
            // ApplianceState checks the certificate, the budget and the HE parameters before it
            // writes anything, but a failure after its first write (a full disk, a file it
            // cannot read) leaves a half-made directory that a second init would refuse.
            // RequireEmpty made sure the directory was absent or empty, so all that is in it
            // now is this attempt's and can go.
            RemovePartialState(directory, existed);
            throw MessageFor(error);
        }

        using var ledgerKey = ApplianceState.LoadLedgerKey(directory);
        return new InitReport(
            CliOptions.Hex(facts.Id),
            facts.Name,
            directory,
            CliOptions.Hex(ledgerKey.PublicKey.Bytes.Span),
            facts.EpsilonLimit,
            facts.Delta,
            facts.CkksParameters.RingDegree);
    }

    /// <summary>Refuses a state directory that holds anything, appliance state or not.</summary>
    private static void RequireEmpty(string directory, string option)
    {
        if (File.Exists(directory))
        {
            throw new UsageException($"{option}: '{directory}' is a file, not a directory.");
        }

        if (!Directory.Exists(directory))
        {
            return;
        }

        if (File.Exists(Path.Combine(directory, EnclaveDatabase.FileName)))
        {
            throw new UsageException(
                $"{option}: '{directory}' already holds appliance state; it is never overwritten.");
        }

        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new UsageException(
                $"{option}: '{directory}' is not empty; init needs an absent or empty directory.");
        }
    }

    private static void RequireSupportedRingDegree(int degree, string option)
    {
        try
        {
            _ = CkksParameters.CreateDefault(degree);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {degree} is not a supported ring degree: {e.Message}", e);
        }
    }

    /// <summary>Gives ApplianceState's refusals the option they concern.</summary>
    private static Exception MessageFor(Exception error) => error switch
    {
        InvalidOperationException => new UsageException($"--state-dir: {error.Message}", error),
        ArgumentException { ParamName: "certificatePath" } =>
            new UsageException($"--cert: {Output.MessageOf(error)}", error),
        _ => error,
    };

    private static void RemovePartialState(string directory, bool existed)
    {
        // Limitation: if removing fails too (the disk went read-only), the directory is left
        // as it is; the next init refuses it as not empty and the operator removes it by hand.
        try
        {
            if (!Directory.Exists(directory))
            {
                return;
            }

            if (!existed)
            {
                Directory.Delete(directory, recursive: true);
                return;
            }

            foreach (string entry in Directory.EnumerateFileSystemEntries(directory))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(
                $"warning: could not remove the partial state in '{directory}': {e.Message}");
        }
    }

    private static void Print(InitReport r)
    {
        Console.WriteLine($"Initialised federation {r.FederationName} ({r.FederationId})");
        Console.WriteLine($"  state: {r.StateDir}");
        Console.WriteLine($"  ledger key (public): {r.LedgerPublicKey}");
        Console.WriteLine($"  privacy budget: epsilon {r.EpsilonLimit}, delta {r.Delta}");
        Console.WriteLine($"  HE ring degree: {r.RingDegree}");
    }
}
