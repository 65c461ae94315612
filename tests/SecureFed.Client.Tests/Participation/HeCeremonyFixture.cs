// A completed key ceremony in one process, as the tests of a client's checks need it: a
// federation CA, custodians with CA-issued certificates that enrolled Ed25519 signing keys,
// the ceremony run through the real custodian and coordinator state machines, and the HE
// setup an honest appliance would send (HeRoundRuntime). The ring is the protocol tests'
// small one (N = 1024), which is not secure and used only to keep the tests fast.

using Google.Protobuf;
using SecureFed.Client.Participation;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Identity;
using Records = SecureFed.Protocol.He.Messages;

namespace SecureFed.Client.Tests.Participation;

/// <summary>A CA, enrolled custodians, a completed ceremony and an enrolled client.</summary>
public sealed class HeCeremonyFixture : IDisposable
{
    public const int ScaleBits = 80;
    public const int Dimension = 8;
    public const uint ClientId = 100;
    public static readonly uint[] CustodianIds = [1, 2, 3];
    public const int Threshold = 2;

    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    public HeCeremonyFixture()
    {
        Context = new CkksContext(CkksParameters.UnsafeCreateWithoutSecurityCheck(1024, [60, 60, 60]));
        Ca = FederationCa.Create("he-key-tests", TimeSpan.FromDays(365));
        FederationId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        CustodianSigningKeys = CustodianIds.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        CustodianKeys = [.. CustodianIds.Select(id => Enroll(
            ParticipantRole.Custodian, $"custodian-{id}", id, CustodianSigningKeys[id]))];
        ClientSigningKey = Ed25519PrivateKey.Generate();
        Credentials = new ParticipantCredentials(FederationId, ClientId, ClientSigningKey, Ca.CreateTrust());

        (Setup, CollectiveKey, CollectiveKeyHash, Confirmations) = RunCeremony(Context, CustodianSigningKeys);
    }

    public CkksContext Context { get; }

    public FederationCa Ca { get; }

    public byte[] FederationId { get; }

    public Dictionary<uint, Ed25519PrivateKey> CustodianSigningKeys { get; }

    public IReadOnlyList<EnrolledKey> CustodianKeys { get; }

    public Ed25519PrivateKey ClientSigningKey { get; }

    public ParticipantCredentials Credentials { get; }

    public Records.CeremonySetup Setup { get; }

    public byte[] CollectiveKey { get; }

    public byte[] CollectiveKeyHash { get; }

    public IReadOnlyList<Records.CustodianKeyConfirmation> Confirmations { get; }

    /// <summary>The round task the client is given.</summary>
    public RoundTask Task => new()
    {
        Round = new RoundRef { FederationId = ByteString.CopyFrom(FederationId), Round = 1 },
        Dimension = Dimension,
        HeScaleBits = ScaleBits,
    };

    /// <summary>The join response an honest appliance sends.</summary>
    public JoinRoundResponse HonestJoin()
    {
        var setup = new HeSetup
        {
            CollectiveKeyHash = ByteString.CopyFrom(CollectiveKeyHash),
            CkksParameterId = ByteString.CopyFrom(Context.Parameters.ParameterId),
            CiphertextCount = 1,
            ScaleBits = ScaleBits,
            Ceremony = Setup.ToProto(CustodianKeys),
        };
        setup.Confirmations.AddRange(Confirmations.Select(c => c.ToProto()));
        setup.Participants.Add(ClientId);
        return new JoinRoundResponse { He = setup };
    }

    /// <summary>
    /// Runs a whole ceremony through the custodians' and the coordinator's state machines with
    /// <paramref name="signingKeys"/> as the custodians' keys (the real ones, or an attacker's).
    /// </summary>
    public static (Records.CeremonySetup Setup, byte[] Key, byte[] Hash,
        IReadOnlyList<Records.CustodianKeyConfirmation> Confirmations) RunCeremony(
        CkksContext context, Dictionary<uint, Ed25519PrivateKey> signingKeys)
    {
        var directory = signingKeys.ToDictionary(p => p.Key, p => p.Value.PublicKey);
        var setup = CeremonyCoordinator.CreateSetup(context, [.. signingKeys.Keys], Threshold);
        var coordinator = new CeremonyCoordinator(context, setup, directory);
        var ceremonies = signingKeys.Keys.ToDictionary(
            id => id, id => new CustodianCeremony(context, setup, id, signingKeys[id], directory));
        try
        {
            foreach (var ceremony in ceremonies.Values)
            {
                coordinator.AddAdvertisement(ceremony.Advertise());
            }

            foreach (var ceremony in ceremonies.Values)
            {
                coordinator.AddShares(ceremony.ShareSecret(coordinator.Advertisements));
            }

            foreach ((uint id, var ceremony) in ceremonies)
            {
                coordinator.AddConfirmation(ceremony.Complete(coordinator.SharesFor(id)));
                ceremony.TakeKeyState().Dispose();
            }
        }
        finally
        {
            foreach (var ceremony in ceremonies.Values)
            {
                ceremony.Dispose();
            }
        }

        return (setup, coordinator.PublicKeyBytes.ToArray(), coordinator.PublicKeyHash.ToArray(),
            coordinator.Confirmations);
    }

    /// <summary>A certificate for a new participant and its enrolled key record.</summary>
    public EnrolledKey Enroll(ParticipantRole role, string name, uint id, Ed25519PrivateKey signingKey)
    {
        var identity = new ParticipantIdentity(role, name);
        using var request = ParticipantKeyRequest.Create(identity);
        using var certificate = request.WithCertificate(Ca.Issue(request.CsrPem, identity, Validity));
        byte[] signature = EnrollmentStatement.Sign(
            certificate, FederationId, identity, signingKey.PublicKey.Bytes.Span);
        return new EnrolledKey
        {
            ParticipantId = id,
            SigningKey = ByteString.CopyFrom(signingKey.PublicKey.Bytes.Span),
            Certificate = ByteString.CopyFrom(certificate.RawData),
            CertificateSignature = ByteString.CopyFrom(signature),
        };
    }

    public void Dispose()
    {
        foreach (var key in CustodianSigningKeys.Values)
        {
            key.Dispose();
        }

        ClientSigningKey.Dispose();
        Ca.Dispose();
    }
}
