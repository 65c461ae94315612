// Conversions between the mask-mode protobuf messages (securefed.v1) and the records the
// transport-free state machines take. Both sides of the wire use the same conversions, so
// a field means the same thing to the appliance and to the client. Conversions check only
// shapes that protobuf cannot express (sizes, enum values); the state machines check the rest.

using Google.Protobuf;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Masking.Messages;
using Records = SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Grpc;

/// <summary>Converts mask-mode messages between protobuf and the state machines' records.</summary>
public static class MaskMessageMapping
{
    /// <summary>The round setup, to the wire.</summary>
    public static MaskSetup ToProto(this MaskRoundSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var proto = new MaskSetup
        {
            Round = setup.Round,
            RoundNonce = ByteString.CopyFrom(setup.RoundNonce),
            Dimension = checked((uint)setup.Dimension),
            Bits = checked((uint)setup.Bits),
            Degree = checked((uint)setup.Degree),
            Threshold = checked((uint)setup.Threshold),
            GraphSeed = ByteString.CopyFrom(setup.GraphSeed),
        };
        proto.Participants.AddRange(setup.Participants);
        return proto;
    }

    /// <summary>The round setup, from the wire.</summary>
    /// <exception cref="FormatException">A count does not fit.</exception>
    public static MaskRoundSetup FromProto(this MaskSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new MaskRoundSetup(
            setup.Round,
            setup.RoundNonce.ToByteArray(),
            ToInt(setup.Dimension, "dimension"),
            ToInt(setup.Bits, "bits"),
            ToInt(setup.Degree, "degree"),
            ToInt(setup.Threshold, "threshold"),
            [.. setup.Participants],
            setup.GraphSeed.ToByteArray());
    }

    /// <summary>A key advertisement, to the wire.</summary>
    public static KeyAdvertisement ToProto(this AdvertiseKeys advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        return new KeyAdvertisement
        {
            ClientId = advert.ClientId,
            CipherPublicKey = ByteString.CopyFrom(advert.CipherPublicKey),
            MaskPublicKey = ByteString.CopyFrom(advert.MaskPublicKey),
            Signature = ByteString.CopyFrom(advert.Signature),
        };
    }

    /// <summary>A key advertisement of <paramref name="round"/>, from the wire.</summary>
    public static AdvertiseKeys FromProto(this KeyAdvertisement advert, ulong round)
    {
        ArgumentNullException.ThrowIfNull(advert);
        return new AdvertiseKeys(
            round,
            advert.ClientId,
            advert.CipherPublicKey.ToByteArray(),
            advert.MaskPublicKey.ToByteArray(),
            advert.Signature.ToByteArray());
    }

    /// <summary>Every advertisement, to the wire.</summary>
    public static AdvertisedKeysResponse ToProto(this AdvertisedKeys advertised)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        var proto = new AdvertisedKeysResponse();
        proto.Keys.AddRange(advertised.Keys.Select(ToProto));
        return proto;
    }

    /// <summary>Every advertisement of <paramref name="round"/>, from the wire.</summary>
    public static AdvertisedKeys FromProto(this AdvertisedKeysResponse advertised, ulong round)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        return new AdvertisedKeys(round, [.. advertised.Keys.Select(k => k.FromProto(round))]);
    }

    /// <summary>A sealed share, to the wire.</summary>
    public static SealedShare ToProto(this EncryptedShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new SealedShare
        {
            Sender = share.Sender,
            Recipient = share.Recipient,
            Ciphertext = ByteString.CopyFrom(share.Ciphertext),
        };
    }

    /// <summary>A sealed share, from the wire.</summary>
    public static EncryptedShare FromProto(this SealedShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new EncryptedShare(share.Sender, share.Recipient, share.Ciphertext.ToByteArray());
    }

    /// <summary>A client's sealed shares, to the wire.</summary>
    public static ShareKeysRequest ToProto(this ShareKeys message, RoundRef round)
    {
        ArgumentNullException.ThrowIfNull(message);
        var proto = new ShareKeysRequest
        {
            Round = round,
            ClientId = message.ClientId,
            SessionId = ByteString.CopyFrom(message.SessionId),
        };
        proto.Shares.AddRange(message.Shares.Select(ToProto));
        return proto;
    }

    /// <summary>A client's sealed shares, from the wire.</summary>
    public static ShareKeys FromProto(this ShareKeysRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ShareKeys(
            message.Round?.Round ?? 0,
            message.ClientId,
            message.SessionId.ToByteArray(),
            [.. message.Shares.Select(FromProto)]);
    }

    /// <summary>The shares forwarded to one client, to the wire.</summary>
    public static ForwardedSharesResponse ToProto(this ForwardedShares forwarded)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        var proto = new ForwardedSharesResponse { SessionId = ByteString.CopyFrom(forwarded.SessionId) };
        proto.Shares.AddRange(forwarded.Shares.Select(ToProto));
        return proto;
    }

    /// <summary>The shares forwarded to <paramref name="recipient"/>, from the wire.</summary>
    public static ForwardedShares FromProto(this ForwardedSharesResponse forwarded, ulong round, uint recipient)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        return new ForwardedShares(
            round, forwarded.SessionId.ToByteArray(), recipient, [.. forwarded.Shares.Select(FromProto)]);
    }

    /// <summary>The survivor set, to the wire.</summary>
    public static SurvivorsResponse ToProto(this ConsistencyCheckRequest check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var proto = new SurvivorsResponse { SessionId = ByteString.CopyFrom(check.SessionId) };
        proto.Survivors.AddRange(check.Survivors);
        return proto;
    }

    /// <summary>The survivor set of <paramref name="round"/>, from the wire.</summary>
    public static ConsistencyCheckRequest FromProto(this SurvivorsResponse check, ulong round)
    {
        ArgumentNullException.ThrowIfNull(check);
        return new ConsistencyCheckRequest(round, check.SessionId.ToByteArray(), [.. check.Survivors]);
    }

    /// <summary>A survivor-set signature, to the wire.</summary>
    public static SignSurvivorsRequest ToProto(this ConsistencySignature signature, RoundRef round)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return new SignSurvivorsRequest
        {
            Round = round,
            SessionId = ByteString.CopyFrom(signature.SessionId),
            Signature = new SurvivorSignature
            {
                ClientId = signature.ClientId,
                Signature = ByteString.CopyFrom(signature.Signature),
            },
        };
    }

    /// <summary>A survivor-set signature, from the wire.</summary>
    /// <exception cref="FormatException">The signature is missing.</exception>
    public static ConsistencySignature FromProto(this SignSurvivorsRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signature = message.Signature ?? throw new FormatException("The signature is missing.");
        return new ConsistencySignature(
            message.Round?.Round ?? 0,
            signature.ClientId,
            message.SessionId.ToByteArray(),
            signature.Signature.ToByteArray());
    }

    /// <summary>The unmask request, to the wire.</summary>
    public static UnmaskTask ToProto(this Records.UnmaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var proto = new UnmaskTask { SessionId = ByteString.CopyFrom(request.SessionId) };
        proto.Survivors.AddRange(request.Survivors);
        proto.Signatures.AddRange(request.Signatures.Select(s => new SurvivorSignature
        {
            ClientId = s.ClientId,
            Signature = ByteString.CopyFrom(s.Signature),
        }));
        return proto;
    }

    /// <summary>The unmask request of <paramref name="round"/>, from the wire.</summary>
    public static Records.UnmaskRequest FromProto(this UnmaskTask request, ulong round)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] session = request.SessionId.ToByteArray();
        return new Records.UnmaskRequest(
            round,
            session,
            [.. request.Survivors],
            [.. request.Signatures.Select(s =>
                new ConsistencySignature(round, s.ClientId, session, s.Signature.ToByteArray()))]);
    }

    /// <summary>A client's revealed shares, to the wire.</summary>
    public static V1.UnmaskRequest ToProto(this Records.UnmaskResponse response, RoundRef round)
    {
        ArgumentNullException.ThrowIfNull(response);
        var proto = new V1.UnmaskRequest
        {
            Round = round,
            ClientId = response.ClientId,
            SessionId = ByteString.CopyFrom(response.SessionId),
        };
        proto.Shares.AddRange(response.Shares.Select(s => new V1.RevealedShare
        {
            Owner = s.Owner,
            Kind = (uint)s.Kind,
            Share = ByteString.CopyFrom(s.Share),
        }));
        return proto;
    }

    /// <summary>A client's revealed shares, from the wire.</summary>
    /// <exception cref="FormatException">A share names an unknown kind.</exception>
    public static Records.UnmaskResponse FromProto(this V1.UnmaskRequest response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var shares = new List<Records.RevealedShare>(response.Shares.Count);
        foreach (var share in response.Shares)
        {
            var kind = (ShareKind)share.Kind;
            if (!Enum.IsDefined(kind))
            {
                throw new FormatException($"Unknown share kind {share.Kind}.");
            }

            shares.Add(new Records.RevealedShare(share.Owner, kind, share.Share.ToByteArray()));
        }

        return new Records.UnmaskResponse(
            response.Round?.Round ?? 0, response.ClientId, response.SessionId.ToByteArray(), shares);
    }

    private static int ToInt(uint value, string name) => value <= int.MaxValue
        ? (int)value
        : throw new FormatException($"The {name} {value} is out of range.");
}
