// Conversions between the custodians' protobuf messages (securefed.v1) and the records of
// the HE-mode state machines. As with mask mode, both ends use these, so a field means the
// same on either side; shapes are checked by the state machines.

using Google.Protobuf;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He.Messages;
using Records = SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Grpc;

/// <summary>Converts HE-mode messages between protobuf and the state machines' records.</summary>
public static class HeMessageMapping
{
    /// <summary>A ceremony setup with the custodians' keys, to the wire.</summary>
    public static V1.CeremonySetup ToProto(this Records.CeremonySetup setup, IEnumerable<EnrolledKey> custodianKeys)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var proto = new V1.CeremonySetup
        {
            HasCeremony = true,
            CeremonyId = ByteString.CopyFrom(setup.CeremonyId),
            CkksParameterId = ByteString.CopyFrom(setup.ParameterId),
            Threshold = checked((uint)setup.Threshold),
            CommonSeed = ByteString.CopyFrom(setup.CommonSeed),
        };
        proto.CustodianIds.AddRange(setup.CustodianIds);
        proto.CustodianKeys.AddRange(custodianKeys);
        return proto;
    }

    /// <summary>A ceremony setup, from the wire.</summary>
    /// <exception cref="FormatException">The threshold does not fit.</exception>
    public static Records.CeremonySetup FromProto(this V1.CeremonySetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Threshold > int.MaxValue)
        {
            throw new FormatException($"The threshold {setup.Threshold} is out of range.");
        }

        return new Records.CeremonySetup(
            setup.CeremonyId.ToByteArray(),
            setup.CkksParameterId.ToByteArray(),
            [.. setup.CustodianIds],
            (int)setup.Threshold,
            setup.CommonSeed.ToByteArray());
    }

    /// <summary>A custodian's confirmation of the collective key, to the wire.</summary>
    public static KeyConfirmation ToProto(this CustodianKeyConfirmation confirmation)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return new KeyConfirmation
        {
            CustodianId = confirmation.CustodianId,
            Signature = ByteString.CopyFrom(confirmation.Signature),
        };
    }

    /// <summary>A custodian's confirmation of the collective key, from the wire.</summary>
    public static CustodianKeyConfirmation FromProto(this KeyConfirmation confirmation)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return new CustodianKeyConfirmation(confirmation.CustodianId, confirmation.Signature.ToByteArray());
    }

    /// <summary>An advertisement, to the wire.</summary>
    public static V1.CustodianAdvertisement ToProto(this Records.CustodianAdvertisement advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        return new V1.CustodianAdvertisement
        {
            CeremonyId = ByteString.CopyFrom(advert.CeremonyId),
            CustodianId = advert.CustodianId,
            TransportPublicKey = ByteString.CopyFrom(advert.CipherPublicKey),
            PublicKeyShare = ByteString.CopyFrom(advert.PublicKeyShare),
            Signature = ByteString.CopyFrom(advert.Signature),
        };
    }

    /// <summary>An advertisement, from the wire.</summary>
    public static Records.CustodianAdvertisement FromProto(this V1.CustodianAdvertisement advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        return new Records.CustodianAdvertisement(
            advert.CeremonyId.ToByteArray(),
            advert.CustodianId,
            advert.TransportPublicKey.ToByteArray(),
            advert.PublicKeyShare.ToByteArray(),
            advert.Signature.ToByteArray());
    }

    /// <summary>A custodian's sealed shares, to the wire.</summary>
    public static CustodianSealedShares ToProto(this CustodianShares shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var proto = new CustodianSealedShares
        {
            CeremonyId = ByteString.CopyFrom(shares.CeremonyId),
            CustodianId = shares.CustodianId,
        };
        proto.Shares.AddRange(shares.Shares.Select(ToProto));
        return proto;
    }

    /// <summary>Sealed shares for one custodian, to the wire.</summary>
    public static CustodianSealedShares ToProto(
        this IReadOnlyList<SealedKeyShare> shares, ReadOnlySpan<byte> ceremonyId, uint recipient)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var proto = new CustodianSealedShares
        {
            CeremonyId = ByteString.CopyFrom(ceremonyId),
            CustodianId = recipient,
        };
        proto.Shares.AddRange(shares.Select(ToProto));
        return proto;
    }

    /// <summary>A custodian's sealed shares, from the wire.</summary>
    public static CustodianShares FromProto(this CustodianSealedShares shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        byte[] ceremony = shares.CeremonyId.ToByteArray();
        return new CustodianShares(ceremony, shares.CustodianId, [.. shares.Shares.Select(s => s.FromProto(ceremony))]);
    }

    /// <summary>One sealed share, to the wire.</summary>
    public static CustodianSealedShare ToProto(this SealedKeyShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new CustodianSealedShare
        {
            Sender = share.Sender,
            Recipient = share.Recipient,
            Ciphertext = ByteString.CopyFrom(share.Ciphertext),
            Signature = ByteString.CopyFrom(share.Signature),
        };
    }

    /// <summary>One sealed share of ceremony <paramref name="ceremonyId"/>, from the wire.</summary>
    public static SealedKeyShare FromProto(this CustodianSealedShare share, byte[] ceremonyId)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new SealedKeyShare(
            ceremonyId, share.Sender, share.Recipient, share.Ciphertext.ToByteArray(), share.Signature.ToByteArray());
    }

    /// <summary>A confirmation, to the wire.</summary>
    public static CustodianConfirmation ToProto(this CeremonyConfirmation confirmation)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return new CustodianConfirmation
        {
            CeremonyId = ByteString.CopyFrom(confirmation.CeremonyId),
            CustodianId = confirmation.CustodianId,
            CollectiveKeyHash = ByteString.CopyFrom(confirmation.CollectivePublicKeyHash),
            Signature = ByteString.CopyFrom(confirmation.Signature),
        };
    }

    /// <summary>A confirmation, from the wire.</summary>
    public static CeremonyConfirmation FromProto(this CustodianConfirmation confirmation)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return new CeremonyConfirmation(
            confirmation.CeremonyId.ToByteArray(),
            confirmation.CustodianId,
            confirmation.CollectiveKeyHash.ToByteArray(),
            confirmation.Signature.ToByteArray());
    }

    /// <summary>One piece of evidence of <paramref name="round"/>, to the wire.</summary>
    public static SignedContributionStatement ToProto(
        this ContributionEvidence evidence, ReadOnlySpan<byte> federationId, ulong round)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return new SignedContributionStatement
        {
            Round = new RoundRef { FederationId = ByteString.CopyFrom(federationId), Round = round },
            ClientId = evidence.ClientId,
            Mode = ProtectionMode.He,
            TotalLength = evidence.TotalLength,
            Root = ByteString.CopyFrom(evidence.Root),
            Signature = ByteString.CopyFrom(evidence.Signature),
        };
    }

    /// <summary>One piece of evidence, from the wire.</summary>
    /// <exception cref="FormatException">The statement is not an HE-mode statement.</exception>
    public static ContributionEvidence FromProto(this SignedContributionStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.Mode != ProtectionMode.He)
        {
            throw new FormatException("Decryption evidence must be HE-mode contribution statements.");
        }

        return new ContributionEvidence(
            statement.ClientId, statement.Root.ToByteArray(), statement.TotalLength, statement.Signature.ToByteArray());
    }

    /// <summary>The header of a decryption request, to the wire (the aggregate follows in chunks).</summary>
    public static DecryptionRequestHeader ToHeader(this DecryptionRequest request, ReadOnlySpan<byte> federationId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = new DecryptionRequestHeader
        {
            HasRequest = true,
            CeremonyId = ByteString.CopyFrom(request.CeremonyId),
            Round = new RoundRef { FederationId = ByteString.CopyFrom(federationId), Round = request.Round },
            CiphertextCount = (uint)request.Aggregate.Count,
            AggregateLength = (ulong)request.Aggregate.Sum(c => (long)c.Length),
            Evidence = new DecryptionEvidence(),
        };
        header.Participants.AddRange(request.Participants);
        foreach (var evidence in request.Evidence)
        {
            header.Evidence.Contributions.Add(evidence.ToProto(federationId, request.Round));
        }

        return header;
    }

    /// <summary>A decryption request from its header and the aggregate's bytes.</summary>
    /// <exception cref="FormatException">The header and the bytes do not agree.</exception>
    public static DecryptionRequest FromHeader(this DecryptionRequestHeader header, ReadOnlySpan<byte> aggregate)
    {
        ArgumentNullException.ThrowIfNull(header);
        var ciphertexts = Split(aggregate, header.CiphertextCount, "aggregate");
        return new DecryptionRequest(
            header.CeremonyId.ToByteArray(),
            header.Round?.Round ?? throw new FormatException("The decryption request names no round."),
            ciphertexts,
            [.. header.Participants],
            [.. (header.Evidence?.Contributions ?? []).Select(FromProto)]);
    }

    /// <summary>The header of a decryption response, to the wire (the shares follow in chunks).</summary>
    public static DecryptionShareHeader ToHeader(this DecryptionResponse response, ReadOnlySpan<byte> federationId)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = new DecryptionShareHeader
        {
            Round = new RoundRef { FederationId = ByteString.CopyFrom(federationId), Round = response.Round },
            CustodianId = response.CustodianId,
            CeremonyId = ByteString.CopyFrom(response.CeremonyId),
            Signature = ByteString.CopyFrom(response.Signature),
        };
        header.ShareLengths.AddRange(response.Shares.Select(s => (uint)s.Length));
        return header;
    }

    /// <summary>A decryption response from its header and the shares' bytes.</summary>
    /// <exception cref="FormatException">The header and the bytes do not agree.</exception>
    public static DecryptionResponse FromHeader(this DecryptionShareHeader header, ReadOnlySpan<byte> shares)
    {
        ArgumentNullException.ThrowIfNull(header);
        long total = header.ShareLengths.Sum(l => (long)l);
        if (total != shares.Length)
        {
            throw new FormatException($"The shares are {shares.Length} bytes; the header says {total}.");
        }

        var split = new List<byte[]>(header.ShareLengths.Count);
        int offset = 0;
        foreach (uint length in header.ShareLengths)
        {
            split.Add(shares.Slice(offset, (int)length).ToArray());
            offset += (int)length;
        }

        return new DecryptionResponse(
            header.CeremonyId.ToByteArray(),
            header.Round?.Round ?? throw new FormatException("The decryption share names no round."),
            header.CustodianId,
            split,
            header.Signature.ToByteArray());
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> data, uint count, string what)
    {
        if (count == 0 || data.Length % count != 0)
        {
            throw new FormatException($"The {what} of {data.Length} bytes does not split into {count} equal parts.");
        }

        int size = data.Length / (int)count;
        var parts = new List<byte[]>((int)count);
        for (int i = 0; i < count; i++)
        {
            parts.Add(data.Slice(i * size, size).ToArray());
        }

        return parts;
    }
}
