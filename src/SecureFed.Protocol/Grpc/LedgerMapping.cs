using Google.Protobuf;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Protocol.Grpc;

/// <summary>Converts ledger entries, checkpoints and receipts between protobuf and <see cref="Ledger"/>.</summary>
public static class LedgerMapping
{
    /// <summary>An entry, to the wire.</summary>
    public static V1.LedgerEntry ToProto(this LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new V1.LedgerEntry
        {
            Index = entry.Index,
            PreviousHash = ByteString.CopyFrom(entry.PreviousHash.Span),
            TimestampUnixMs = entry.TimestampUnixMs,
            Kind = entry.Kind,
            Payload = ByteString.CopyFrom(entry.Payload.Span),
            Hash = ByteString.CopyFrom(entry.Hash.Span),
            Signature = ByteString.CopyFrom(entry.Signature.Span),
        };
    }

    /// <summary>An entry, from the wire; its hash and signature are not checked here.</summary>
    /// <exception cref="FormatException">A field has the wrong shape.</exception>
    public static LedgerEntry ToRecord(this V1.LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Shaped(() => new LedgerEntry(
            entry.Index,
            entry.PreviousHash.Span,
            entry.TimestampUnixMs,
            entry.Kind,
            entry.Payload.Span,
            entry.Hash.Span,
            entry.Signature.Span));
    }

    /// <summary>A checkpoint, to the wire.</summary>
    public static V1.LedgerCheckpoint ToProto(this LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new V1.LedgerCheckpoint
        {
            TreeSize = checkpoint.TreeSize,
            Root = ByteString.CopyFrom(checkpoint.Root.Span),
            TimestampUnixMs = checkpoint.TimestampUnixMs,
            Signature = ByteString.CopyFrom(checkpoint.Signature.Span),
        };
    }

    /// <summary>A checkpoint, from the wire; its signature is not checked here.</summary>
    /// <exception cref="FormatException">A field has the wrong shape.</exception>
    public static LedgerCheckpoint ToRecord(this V1.LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Shaped(() => new LedgerCheckpoint(
            checkpoint.TreeSize, checkpoint.Root.Span, checkpoint.TimestampUnixMs, checkpoint.Signature.Span));
    }

    /// <summary>A receipt, to the wire.</summary>
    public static V1.Receipt ToProto(this LedgerReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var proto = new V1.Receipt
        {
            Entry = receipt.Entry.ToProto(),
            Checkpoint = receipt.Checkpoint.ToProto(),
        };
        proto.InclusionProof.AddRange(receipt.InclusionProof.Select(ByteString.CopyFrom));
        return proto;
    }

    /// <summary>A receipt, from the wire; verify it with <see cref="LedgerReceipt.Verify"/>.</summary>
    /// <exception cref="FormatException">A part is missing or has the wrong shape.</exception>
    public static LedgerReceipt ToRecord(this V1.Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Entry is null || receipt.Checkpoint is null)
        {
            throw new FormatException("A receipt needs its entry and its checkpoint.");
        }

        var entry = receipt.Entry.ToRecord();
        var checkpoint = receipt.Checkpoint.ToRecord();
        return Shaped(() => new LedgerReceipt(
            entry, checkpoint, [.. receipt.InclusionProof.Select(node => node.ToByteArray())]));
    }

    private static T Shaped<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException malformed)
        {
            throw new FormatException(malformed.Message, malformed);
        }
    }
}
