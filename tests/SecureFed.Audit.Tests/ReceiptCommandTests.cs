using SecureFed.Audit.Tests.Ledgers;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class ReceiptCommandTests(FederationLedgers ledgers)
{
    [Theory]
    [InlineData("mask")]
    [InlineData("he")]
    public void Receipt_GenuineReceipt_Verifies(string mode)
    {
        var (receipt, ledger) = mode == "mask"
            ? (ledgers.MaskReceiptPath, ledgers.MaskLedgerPath)
            : (ledgers.HeReceiptPath, ledgers.HeLedgerPath);

        var (code, json) = CliRunner.RunJson("receipt", "--receipt", receipt, "--ledger", ledger);

        Assert.Empty(CliRunner.Failures(json));
        Assert.Equal(0, code);
        Assert.Equal("contribution", json.GetProperty("kind").GetString());
    }

    [Fact]
    public void Receipt_ForAnotherLedger_Fails()
    {
        var (code, json) = CliRunner.RunJson(
            "receipt", "--receipt", ledgers.MaskReceiptPath, "--ledger", ledgers.HeLedgerPath);

        Assert.Equal(1, code);
        Assert.Contains(CliRunner.Failures(json), f => f.Check == "receipt");
    }

    [Fact]
    public void Receipt_WithAFlippedPayloadByte_Fails()
    {
        var receipt = LedgerReceipt.FromJson(File.ReadAllText(ledgers.MaskReceiptPath));
        var entry = LedgerForge.With(receipt.Entry, payload: LedgerForge.Flip(receipt.Entry.Payload, 12));
        string path = Path.Combine(ledgers.Directory, "receipt-flipped.json");
        File.WriteAllText(path, new LedgerReceipt(entry, receipt.Checkpoint, receipt.InclusionProof).ToJson());

        var (code, json) = CliRunner.RunJson("receipt", "--receipt", path, "--ledger", ledgers.MaskLedgerPath);

        Assert.Equal(1, code);
        var finding = Assert.Single(CliRunner.Failures(json));
        Assert.Equal("receipt", finding.Check);
        Assert.Equal((long)entry.Index, finding.Entry);
    }

    [Fact]
    public void Receipt_WithAFlippedProofByte_Fails()
    {
        var receipt = LedgerReceipt.FromJson(File.ReadAllText(ledgers.HeReceiptPath));
        var proof = receipt.InclusionProof.ToList();
        proof[0] = LedgerForge.Flip(proof[0], 3);
        string path = Path.Combine(ledgers.Directory, "receipt-proof.json");
        File.WriteAllText(path, new LedgerReceipt(receipt.Entry, receipt.Checkpoint, proof).ToJson());

        var (code, json) = CliRunner.RunJson("receipt", "--receipt", path, "--ledger", ledgers.HeLedgerPath);

        Assert.Equal(1, code);
        var finding = Assert.Single(CliRunner.Failures(json));
        Assert.Contains("inclusion proof", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Receipt_NotAReceipt_ExitsWith2()
    {
        var (code, _, error) = CliRunner.Run(
            "receipt", "--receipt", ledgers.MaskLedgerPath, "--ledger", ledgers.MaskLedgerPath);

        Assert.Equal(2, code);
        Assert.StartsWith("error: --receipt", error, StringComparison.Ordinal);
    }
}
