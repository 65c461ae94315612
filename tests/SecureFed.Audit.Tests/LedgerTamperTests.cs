using System.Text.Json.Nodes;
using SecureFed.Audit.Tests.Ledgers;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Contributions;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Tests;

/// <summary>
/// Each way of tampering with a real federation's ledger is found, named by entry, and
/// makes verify exit with 1. Cases that change what the ledger says are re-signed with a
/// test appliance key that the audit pins, so only the change itself can be found.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LedgerTamperTests(FederationLedgers ledgers)
{
    [Fact]
    public void Verify_FlippedPayloadByte_NamesTheAlteredEntry()
    {
        var entries = ledgers.Mask.Entries.ToList();
        int target = Index(entries, "round.opened");
        var altered = LedgerForge.Flip(entries[target].Payload, 20);
        entries[target] = LedgerForge.With(entries[target], payload: altered);

        var failures = Verify(Rebuild(ledgers.Mask, entries));

        Assert.Contains(failures, f =>
            f.Check == "chain" && f.Entry == target && f.Reason.Contains("was altered", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_FlippedSignatureByte_NamesTheEntry()
    {
        var entries = ledgers.He.Entries.ToList();
        int target = Index(entries, "contribution");
        var altered = LedgerForge.Flip(entries[target].Signature, 5);
        entries[target] = LedgerForge.With(entries[target], signature: altered);

        var failures = Verify(Rebuild(ledgers.He, entries));

        var finding = Assert.Single(failures);
        Assert.Equal("signature", finding.Check);
        Assert.Equal(target, finding.Entry);
    }

    [Fact]
    public void Verify_FlippedHashByte_NamesTheEntryAndTheBrokenLink()
    {
        var entries = ledgers.Mask.Entries.ToList();
        int target = Index(entries, "round.closed");
        entries[target] = LedgerForge.With(entries[target], hash: LedgerForge.Flip(entries[target].Hash, 0));

        var failures = Verify(Rebuild(ledgers.Mask, entries));

        Assert.Contains(failures, f =>
            f.Entry == target && f.Reason.Contains("was altered", StringComparison.Ordinal));
        Assert.Contains(failures, f =>
            f.Entry == target + 1 && f.Reason.Contains("does not link", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_RemovedEntry_NamesTheMissingEntry()
    {
        var entries = ledgers.Mask.Entries.ToList();
        int target = Index(entries, "contribution");
        entries.RemoveAt(target);

        var failures = Verify(Rebuild(ledgers.Mask, entries));

        Assert.Contains(failures, f =>
            f.Check == "chain" && f.Reason.Contains($"Entry {target} is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_SwappedEntries_SaysTheyAreOutOfOrder()
    {
        var entries = ledgers.He.Entries.ToList();
        int target = Index(entries, "contribution");
        (entries[target], entries[target + 1]) = (entries[target + 1], entries[target]);

        var failures = Verify(Rebuild(ledgers.He, entries));

        Assert.Contains(failures, f =>
            f.Check == "chain" && f.Entry == target && f.Reason.Contains("out of order", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_EntryResignedWithAnotherKey_IsNotSignedByTheLedgerKey()
    {
        using var forger = Ed25519PrivateKey.Generate();
        var entries = ledgers.Mask.Entries.ToList();
        int target = Index(entries, "round.closed");
        var forged = forger.Sign(entries[target].Hash.Span);
        entries[target] = LedgerForge.With(entries[target], signature: forged);

        var failures = Verify(Rebuild(ledgers.Mask, entries));

        var finding = Assert.Single(failures);
        Assert.Equal("signature", finding.Check);
        Assert.Equal(target, finding.Entry);
        Assert.Contains("not signed by the ledger key", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ResignedUnchanged_VerifiesCleanUnderThePinnedTestKey()
    {
        using var appliance = Ed25519PrivateKey.Generate();

        var resigned = LedgerForge.Sign(LedgerForge.Drafts(ledgers.He), appliance);

        var failures = Verify(resigned, appliance.PublicKey);

        Assert.Empty(failures);
    }

    [Fact]
    public void Verify_ContributionSignedByAFreshKey_IsSignedByANonEnrolledKey()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        using var stranger = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        byte[] federationId = Convert.FromBase64String(
            JsonNode.Parse(drafts[0].Payload)!["federation_id"]!.GetValue<string>());
        int target = drafts.FindIndex(d => d.Kind == "contribution");
        var payload = JsonNode.Parse(drafts[target].Payload)!;
        var statement = new ContributionStatement(
            federationId,
            payload["round"]!.GetValue<ulong>(),
            payload["client_id"]!.GetValue<uint>(),
            payload["mode"]!.GetValue<byte>(),
            payload["total_length"]!.GetValue<long>(),
            Convert.FromBase64String(payload["root"]!.GetValue<string>()));
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(
                drafts[target].Payload,
                o => o["signature"] = Convert.ToBase64String(statement.Sign(stranger))),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        var finding = Assert.Single(failures);
        Assert.Equal("contribution", finding.Check);
        Assert.Equal(target, finding.Entry);
        Assert.Contains("signed by a non-enrolled key", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ContributionFromAnUnknownClient_IsSignedByANonEnrolledKey()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        int target = drafts.FindIndex(d => d.Kind == "contribution");
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(drafts[target].Payload, o => o["client_id"] = 999),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        Assert.Contains(failures, f =>
            f.Check == "contribution" && f.Entry == target
            && f.Reason.Contains("non-enrolled key: no participant 999", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_SameClientTwiceInARound_IsFound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = drafts.FindIndex(d => d.Kind == "contribution");
        drafts.Insert(target + 1, drafts[target]);

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        var finding = Assert.Single(failures);
        Assert.Equal("round", finding.Check);
        Assert.Equal(target + 1, finding.Entry);
        Assert.Contains("contributed twice", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnderstatedEpsilon_IsFoundAtItsRound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        int target = drafts.FindLastIndex(d => d.Kind == "round.closed");
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(
                drafts[target].Payload,
                o => o["epsilon_spent"] = o["epsilon_spent"]!.GetValue<double>() * 0.9),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        var finding = Assert.Single(failures);
        Assert.Equal("budget", finding.Check);
        Assert.Equal(target, finding.Entry);
        Assert.Contains("the auditor's accountant gives", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnderstatedEpsilonIfCompleted_IsFound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.He);
        int target = drafts.FindLastIndex(d => d.Kind == "round.opened");
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(drafts[target].Payload, o => o["epsilon_if_completed"] = 0.01),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        var finding = Assert.Single(failures);
        Assert.Equal("budget", finding.Check);
        Assert.Equal(target, finding.Entry);
    }

    [Fact]
    public void Verify_ClosedContributorWithoutAContribution_IsFound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        int target = drafts.FindIndex(d => d.Kind == "round.closed");
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(drafts[target].Payload, o => ((JsonArray)o["contributors"]!).Add(999)),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        Assert.Contains(failures, f =>
            f.Check == "round" && f.Reason.Contains("client 999", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_MissingDecryptionShare_FallsBelowTheThreshold()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.He);
        int closed = drafts.FindIndex(d => d.Kind == "round.closed");
        drafts.RemoveAll(d => d.Kind == "decryption.share" && drafts.IndexOf(d) < closed);

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        Assert.Contains(failures, f =>
            f.Check == "decryption" && f.Reason.Contains("threshold", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_EnrollmentWithAnotherParticipantsCertificate_IsFound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.He);
        int first = drafts.FindIndex(d => d.Kind == "enrollment");
        int second = drafts.FindIndex(first + 1, d => d.Kind == "enrollment");
        string other = JsonNode.Parse(drafts[second].Payload)!["certificate"]!.GetValue<string>();
        drafts[first] = drafts[first] with
        {
            Payload = LedgerForge.Edit(drafts[first].Payload, o => o["certificate"] = other),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        Assert.Contains(failures, f =>
            f.Check == "certificate" && f.Entry == first
            && f.Reason.Contains("its certificate names", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_EnrolledSigningKeyNotSignedByTheCertificate_IsFound()
    {
        using var appliance = Ed25519PrivateKey.Generate();
        using var substitute = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        int target = drafts.FindIndex(d => d.Kind == "enrollment");
        drafts[target] = drafts[target] with
        {
            Payload = LedgerForge.Edit(
                drafts[target].Payload,
                o => o["signing_key"] = Convert.ToBase64String(substitute.PublicKey.Bytes.Span)),
        };

        var failures = Verify(LedgerForge.Sign(drafts, appliance), appliance.PublicKey);

        Assert.Contains(failures, f =>
            f.Check == "enrollment" && f.Entry == target
            && f.Reason.Contains("did not sign", StringComparison.Ordinal));
        Assert.Contains(failures, f =>
            f.Check == "contribution" && f.Reason.Contains("non-enrolled key", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_RealLedger_TheApplianceCertificateVouchesForTheLedgerKey()
    {
        var (code, json) = CliRunner.RunJson("verify", "--ledger", ledgers.MaskLedgerPath);

        Assert.Equal(0, code);
        Assert.Contains("appliance", json.GetProperty("certified_by").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForgedLedgerWithoutApplianceCertificateUnpinned_NothingBindsTheKey()
    {
        using var forger = Ed25519PrivateKey.Generate();

        var failures = Verify(LedgerForge.Sign(LedgerForge.Drafts(ledgers.Mask), forger));

        var finding = Assert.Single(failures);
        Assert.Equal("certificate", finding.Check);
        Assert.Equal(0, finding.Entry);
        Assert.Contains("Nothing binds the ledger key", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForgedKeyUnderTheRealApplianceCertificate_CertificateDidNotSignIt()
    {
        using var forger = Ed25519PrivateKey.Generate();
        var forged = LedgerForge.Sign(
            LedgerForge.Drafts(ledgers.He), forger, keepApplianceCertificate: true);

        var failures = Verify(forged);

        var finding = Assert.Single(failures);
        Assert.Equal("certificate", finding.Check);
        Assert.Contains("did not sign the ledger key", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ClientCertificateAsTheAppliances_IsNotTheFederationsAppliance()
    {
        using var forger = Ed25519PrivateKey.Generate();
        var drafts = LedgerForge.Drafts(ledgers.Mask);
        int enrollment = drafts.FindIndex(d => d.Kind == "enrollment");
        string client = JsonNode.Parse(drafts[enrollment].Payload)!["certificate"]!.GetValue<string>();
        drafts[0] = drafts[0] with
        {
            Payload = LedgerForge.Edit(drafts[0].Payload, o => o["appliance_certificate"] = client),
        };

        var failures = Verify(LedgerForge.Sign(drafts, forger, keepApplianceCertificate: true));

        Assert.Contains(failures, f =>
            f.Check == "certificate" && f.Entry == 0
            && f.Reason.Contains("not the federation's appliance", StringComparison.Ordinal));
    }

    private static int Index(List<LedgerEntry> entries, string kind) =>
        entries.FindIndex(e => e.Kind == kind);

    private static LedgerExport Rebuild(LedgerExport original, List<LedgerEntry> entries) =>
        new(original.LedgerPublicKey, entries, original.Checkpoint);

    // Through the command line, so that the exit code and the JSON are checked as well.
    private IReadOnlyList<(string Check, long? Entry, string Reason)> Verify(
        LedgerExport export, Ed25519PublicKey? pinned = null)
    {
        string path = LedgerForge.Write(export, ledgers.Directory);
        string[] args = pinned is null
            ? ["verify", "--ledger", path]
            : ["verify", "--ledger", path, "--ledger-key", Convert.ToHexString(pinned.Bytes.Span)];

        var (code, json) = CliRunner.RunJson(args);

        var failures = CliRunner.Failures(json);
        Assert.Equal(failures.Count == 0 ? 0 : 1, code);
        Assert.Equal(failures.Count == 0, json.GetProperty("ok").GetBoolean());
        return failures;
    }
}
