using Google.Protobuf;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Protocol.Grpc;

/// <summary>Converts contribution statements between protobuf and <see cref="Contributions.ContributionStatement"/>.</summary>
public static class ContributionMapping
{
    /// <summary>A signed statement, to the wire.</summary>
    public static V1.SignedContributionStatement ToProto(
        this Contributions.ContributionStatement statement, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return new V1.SignedContributionStatement
        {
            Round = new RoundRef
            {
                FederationId = ByteString.CopyFrom(statement.FederationId.Span),
                Round = statement.Round,
            },
            ClientId = statement.ClientId,
            Mode = statement.Mode == Contributions.ContributionStatement.MaskMode
                ? ProtectionMode.Mask
                : ProtectionMode.He,
            TotalLength = (ulong)statement.TotalLength,
            Root = ByteString.CopyFrom(statement.Root.Span),
            Signature = ByteString.CopyFrom(signature),
        };
    }

    /// <summary>A statement, from the wire (its signature is not checked here).</summary>
    /// <exception cref="FormatException">A field has the wrong size or value.</exception>
    public static Contributions.ContributionStatement ToRecord(this V1.SignedContributionStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        byte mode = statement.Mode switch
        {
            ProtectionMode.Mask => Contributions.ContributionStatement.MaskMode,
            ProtectionMode.He => Contributions.ContributionStatement.HeMode,
            _ => throw new FormatException($"The statement names no protection mode ({statement.Mode})."),
        };
        if (statement.Round is null)
        {
            throw new FormatException("The statement names no round.");
        }

        if (statement.TotalLength > long.MaxValue)
        {
            throw new FormatException($"A contribution length of {statement.TotalLength} is out of range.");
        }

        try
        {
            return new Contributions.ContributionStatement(
                statement.Round.FederationId.Span,
                statement.Round.Round,
                statement.ClientId,
                mode,
                (long)statement.TotalLength,
                statement.Root.Span);
        }
        catch (ArgumentException invalid)
        {
            throw new FormatException(invalid.Message, invalid);
        }
    }
}
