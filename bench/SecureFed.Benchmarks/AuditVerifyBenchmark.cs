// `audit-verify`: times LedgerAudit over a synthetic but fully signed ledger of R rounds of
// N clients each, built with the appliance's own payload writers (LedgerPayloads), round
// settings (RoundSettingsFactory) and budget (PrivacyBudget), so that the audit has to
// check exactly what it would check on a real appliance's ledger: Ed25519 (RFC 8032) entry
// and contribution signatures, X.509 certificates of a real federation CA with ECDSA P-256
// enrollment statements, and the Rényi DP budget of every round.
//
// Skipped: the masked vectors themselves (a contribution's root is random, as no aggregate
// spot check runs yet) and HE rounds' custodians and decryption shares.

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Audit;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Benchmarks;

/// <summary>Builds a signed synthetic ledger and times the offline audit of it.</summary>
public static class AuditVerifyBenchmark
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);

    /// <summary>
    /// Runs the benchmark: <c>audit-verify [--rounds R] [--clients N] [--out FILE]</c>; with
    /// <c>--out</c> the ledger is also written to FILE and its key, hex, to FILE.key.
    /// </summary>
    public static int Run(string[] args)
    {
        int rounds = Option(args, "--rounds", 100);
        int clients = Option(args, "--clients", 50);
        var build = Stopwatch.StartNew();
        var export = Build(rounds, clients);
        string json = LedgerExport.Serialize(export);
        build.Stop();
        if (OptionText(args, "--out") is { } path)
        {
            // For timing `securefed-audit verify` as a whole process on the same ledger.
            File.WriteAllText(path, json);
            File.WriteAllText(path + ".key", Convert.ToHexString(export.LedgerPublicKey.Bytes.Span));
        }

        var parse = Stopwatch.StartNew();
        var parsed = LedgerExport.Deserialize(json);
        parse.Stop();

        // The first run pays for JIT compilation; the second is what a warm process takes.
        var cold = Stopwatch.StartNew();
        var report = LedgerAudit.Run(parsed, new LedgerAuditOptions(export.LedgerPublicKey));
        cold.Stop();
        var warm = Stopwatch.StartNew();
        _ = LedgerAudit.Run(parsed, new LedgerAuditOptions(export.LedgerPublicKey));
        warm.Stop();
        if (!report.Ok)
        {
            Console.Error.WriteLine($"The synthetic ledger did not verify: {report.Findings[0].Reason}");
            return 1;
        }

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"audit-verify: {rounds} rounds x {clients} clients"));
        Console.WriteLine(string.Create(
            c, $"  entries {report.Entries}, contributions {report.Contributions}, "
            + $"ledger {json.Length / 1e6:F1} MB, epsilon {report.CumulativeEpsilon:G4}"));
        Console.WriteLine(string.Create(
            c, $"  build {build.Elapsed.TotalSeconds:F2} s, parse {parse.Elapsed.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(c, $"  audit, first run: {cold.Elapsed.TotalSeconds:F2} s, "
            + $"{report.Entries / cold.Elapsed.TotalSeconds:F0} entries/s"));
        Console.WriteLine(string.Create(c, $"  audit, second run: {warm.Elapsed.TotalSeconds:F2} s, "
            + $"{report.Entries / warm.Elapsed.TotalSeconds:F0} entries/s"));
        return 0;
    }

    private static LedgerExport Build(int rounds, int clients)
    {
        using var appliance = Ed25519PrivateKey.Generate();
        using var ca = FederationCa.Create("bench-federation", Validity);
        var ckks = CkksParameters.CreateDefault(8192);
        var facts = new FederationFacts(
            RandomNumberGenerator.GetBytes(16), "bench-federation", 100, 1e-5, ckks);
        var ledger = new SyntheticLedger(appliance);
        ledger.Append(LedgerKinds.FederationCreated, LedgerPayloads.FederationCreated(
            facts, ca.Certificate.RawData, appliance.PublicKey.Bytes.Span));

        var keys = new Ed25519PrivateKey[clients];
        for (int i = 0; i < clients; i++)
        {
            keys[i] = Ed25519PrivateKey.Generate();
            Enroll(ledger, ca, facts.Id, (uint)(i + 1), keys[i]);
        }

        var budget = new PrivacyBudget(facts.Delta, []);
        for (ulong round = 1; round <= (ulong)rounds; round++)
        {
            var settings = RoundSettingsFactory.Create(round, Request(clients), ckks);
            ledger.Append(LedgerKinds.RoundOpened, LedgerPayloads.RoundOpened(
                settings, budget.EpsilonAfter(settings), facts));
            var contributors = new uint[clients];
            for (int i = 0; i < clients; i++)
            {
                contributors[i] = (uint)(i + 1);
                var statement = new ContributionStatement(
                    facts.Id, round, contributors[i], ContributionStatement.MaskMode,
                    settings.Dimension * sizeof(uint), RandomNumberGenerator.GetBytes(32));
                ledger.Append(LedgerKinds.Contribution, LedgerPayloads.Contribution(
                    new SignedContribution(statement, statement.Sign(keys[i]))));
            }

            double spent = budget.Charge(settings, clients);
            ledger.Append(LedgerKinds.RoundClosed, LedgerPayloads.RoundClosed(
                round, contributors, RandomNumberGenerator.GetBytes(32), settings.Dimension * sizeof(uint),
                spent, facts.Delta));
        }

        foreach (var key in keys)
        {
            key.Dispose();
        }

        return ledger.Export();
    }

    private static void Enroll(
        SyntheticLedger ledger, FederationCa ca, byte[] federationId, uint id, Ed25519PrivateKey key)
    {
        var identity = new ParticipantIdentity(ParticipantRole.Client, $"client-{id:D4}");
        using var request = ParticipantKeyRequest.Create(identity);
        using var certificate = request.WithCertificate(ca.Issue(request.CsrPem, identity, Validity));
        byte[] signature = EnrollmentStatement.Sign(
            certificate, federationId, identity, key.PublicKey.Bytes.Span);
        ledger.Append(LedgerKinds.Enrollment, LedgerPayloads.Enrollment(
            id, identity, key.PublicKey.Bytes.Span, certificate.RawData, signature));
    }

    // A SecAgg+ round of every client with distributed Skellam noise; z = 8 keeps 100
    // rounds of 50 clients well inside the limit.
    private static OpenRoundRequest Request(int clients) => new()
    {
        Mode = ProtectionMode.Mask,
        Bits = 32,
        MinClients = (uint)clients,
        MaxClients = (uint)clients,
        DropoutRate = 0,
        CorruptRate = 0.05,
        Dp = new DpSettings
        {
            Noise = DpSettings.Types.Noise.Skellam,
            NoiseMultiplier = 8,
            Clip = 1,
            ModelDimension = 1000,
        },
    };

    private static string? OptionText(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length
            ? int.Parse(args[at + 1], CultureInfo.InvariantCulture)
            : fallback;
    }
}
