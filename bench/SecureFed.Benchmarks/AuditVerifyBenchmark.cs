// `audit-verify`: times LedgerAudit over a synthetic but fully signed ledger of R rounds of
// N clients each, built with the appliance's own payload writers (LedgerPayloads), round
// settings (RoundSettingsFactory) and budget (PrivacyBudget), so that the audit has to
// check exactly what it would check on a real appliance's ledger: Ed25519 (RFC 8032) entry
// and contribution signatures, X.509 certificates of a real federation CA with ECDSA P-256
// enrollment statements, and the Rényi DP budget of every round.
//
// Each contribution is a real masked vector: random residues modulo 2^32 under a random
// self mask, packed and committed to by its Merkle root (ContributionCommitment) as a client
// does; the round's sum, the unmasking evidence (the self-mask seeds) and the leaf lists are
// written as `securefed-enclave ledger export --contributions` writes them, so the
// aggregate spot check (AggregateAudit, K coordinates a round) reads and sums real chunks.
// Skipped: pairwise masks (no client drops, so every pairwise mask cancels in the sum and
// none is revealed) and HE rounds' custodians and decryption shares.

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Merkle;
using SecureFed.Crypto.Prg;
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
using SecureFed.Protocol.Masking;

namespace SecureFed.Benchmarks;

/// <summary>Builds a signed synthetic ledger and times the offline audit of it.</summary>
public static class AuditVerifyBenchmark
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);

    /// <summary>
    /// Runs the benchmark: <c>audit-verify [--rounds R] [--clients N] [--spot-checks K]
    /// [--out FILE]</c>; with <c>--out</c> the ledger is also written to FILE, its key, hex,
    /// to FILE.key and the contributions directory to FILE.contributions.
    /// </summary>
    public static int Run(string[] args)
    {
        int rounds = Option(args, "--rounds", 100);
        int clients = Option(args, "--clients", 50);
        int spotChecks = Option(args, "--spot-checks", AggregateAudit.DefaultSpotChecks);
        string? outPath = OptionText(args, "--out");
        string evidence = outPath is null
            ? Directory.CreateTempSubdirectory("securefed-audit-bench-").FullName
            : outPath + ".contributions";
        Directory.CreateDirectory(evidence);
        try
        {
            return Measure(rounds, clients, spotChecks, outPath, evidence);
        }
        finally
        {
            if (outPath is null)
            {
                Directory.Delete(evidence, recursive: true);
            }
        }
    }

    private static int Measure(int rounds, int clients, int spotChecks, string? outPath, string evidence)
    {
        var build = Stopwatch.StartNew();
        var export = Build(rounds, clients, evidence);
        string json = LedgerExport.Serialize(export);
        build.Stop();
        if (outPath is { } path)
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

        var spot = Stopwatch.StartNew();
        var sampled = AggregateAudit.Check(parsed.Entries, evidence, spotChecks);
        spot.Stop();
        if (!sampled.Passed)
        {
            Console.Error.WriteLine($"The spot checks failed: {sampled.Findings[0].Reason}");
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
        Console.WriteLine(string.Create(c, $"  spot checks, K = {spotChecks}: {sampled.RoundsChecked} rounds, "
            + $"{sampled.CoordinatesChecked} coordinates, {spot.Elapsed.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(c, $"  whole audit (second run + spot checks): "
            + $"{(warm.Elapsed + spot.Elapsed).TotalSeconds:F2} s"));
        return 0;
    }

    private static LedgerExport Build(int rounds, int clients, string evidence)
    {
        using var appliance = Ed25519PrivateKey.Generate();
        using var ca = FederationCa.Create("bench-federation", Validity);
        var ckks = CkksParameters.CreateDefault(8192);
        var facts = new FederationFacts(
            RandomNumberGenerator.GetBytes(16), "bench-federation", 100, 1e-5, ckks);
        var ledger = new SyntheticLedger(appliance);
        var applianceIdentity = new ParticipantIdentity(ParticipantRole.Appliance, "appliance");
        using (var request = ParticipantKeyRequest.Create(applianceIdentity, ["localhost"], []))
        using (var certificate = request.WithCertificate(
            ca.Issue(request.CsrPem, applianceIdentity, Validity, ["localhost"], [])))
        {
            byte[] vouch = EnrollmentStatement.Sign(
                certificate, facts.Id, applianceIdentity, appliance.PublicKey.Bytes.Span);
            ledger.Append(LedgerKinds.FederationCreated, LedgerPayloads.FederationCreated(
                facts, ca.Certificate.RawData, appliance.PublicKey.Bytes.Span, certificate.RawData, vouch));
        }

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
            string folder = Path.Combine(evidence, AuditFiles.RoundDirectory(round));
            Directory.CreateDirectory(folder);
            var sum = new ulong[settings.Dimension];
            var masks = new List<RevealedMask>();
            var contributors = new uint[clients];
            for (int i = 0; i < clients; i++)
            {
                contributors[i] = (uint)(i + 1);
                byte[] masked = MaskedContribution(folder, contributors[i], settings, sum, masks);
                var statement = new ContributionStatement(
                    facts.Id, round, contributors[i], ContributionStatement.MaskMode,
                    masked.Length, MerkleTree.Root(ContributionCommitment.LeafHashes(masked)));
                ledger.Append(LedgerKinds.Contribution, LedgerPayloads.Contribution(
                    new SignedContribution(statement, statement.Sign(keys[i]))));
            }

            var (sumHash, unmaskingHash, aggregate) = CloseRound(folder, round, settings, sum, masks);
            double spent = budget.Charge(settings, clients);
            ledger.Append(LedgerKinds.RoundClosed, LedgerPayloads.RoundClosed(
                round, contributors, SHA256.HashData(aggregate), aggregate.Length,
                spent, facts.Delta, sumHash, unmaskingHash));
        }

        foreach (var key in keys)
        {
            key.Dispose();
        }

        return ledger.Export();
    }

    // One client's masked vector: random residues plus its self mask PRG(b_u), packed, with
    // its leaf list; the residues go into the round's sum, which the server unmasks.
    private static byte[] MaskedContribution(
        string folder, uint client, RoundSettings settings, ulong[] sum, List<RevealedMask> masks)
    {
        int bits = settings.Bits;
        ulong modulus = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var values = new ulong[settings.Dimension];
        byte[] random = RandomNumberGenerator.GetBytes(values.Length * sizeof(ulong));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToUInt64(random, i * sizeof(ulong)) & modulus;
            sum[i] = unchecked(sum[i] + values[i]) & modulus;
        }

        byte[] seed = RandomNumberGenerator.GetBytes(MaskPrg.SeedSize);
        using (var prg = new MaskPrg(seed))
        {
            prg.AddTo(values, 0, bits);
        }

        masks.Add(new RevealedMask(client, client, false, seed));
        byte[] packed = PackedVector.Pack(values, bits);
        File.WriteAllBytes(Path.Combine(folder, AuditFiles.Contribution(client)), packed);
        File.WriteAllBytes(
            Path.Combine(folder, AuditFiles.Leaves(client)),
            [.. ContributionCommitment.LeafHashes(packed).SelectMany(leaf => leaf)]);
        return packed;
    }

    // The sum, the unmasking evidence and an aggregate, as the appliance spools them. With DP
    // the published aggregate is the decoded average, whose hash alone the audit checks; the
    // packed sum stands in for it here.
    private static (byte[] Sum, byte[] Unmasking, byte[] Aggregate) CloseRound(
        string folder, ulong round, RoundSettings settings, ulong[] sum, List<RevealedMask> masks)
    {
        using var unmasking = new UnmaskingEvidence(round, settings.Dimension, settings.Bits, masks);
        byte[] evidence = unmasking.Serialize();
        byte[] packedSum = PackedVector.Pack(sum, settings.Bits);
        File.WriteAllBytes(Path.Combine(folder, AuditFiles.Unmasking), evidence);
        File.WriteAllBytes(Path.Combine(folder, AuditFiles.Sum), packedSum);
        File.WriteAllBytes(Path.Combine(folder, AuditFiles.Aggregate), packedSum);
        return (SHA256.HashData(packedSum), SHA256.HashData(evidence), packedSum);
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
