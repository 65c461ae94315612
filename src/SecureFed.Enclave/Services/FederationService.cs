// Enrollment: a participant that holds a federation certificate registers the Ed25519 key
// that will sign its protocol messages. The certificate's key signs that choice (see
// EnrollmentStatement), and the ledger keeps both, so that the appliance cannot later claim
// another key for the participant.

using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Custody;
using SecureFed.Enclave.Federation;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Rounds;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using V1Federation = SecureFed.Protocol.Grpc.V1.Federation;

namespace SecureFed.Enclave.Services;

/// <summary>The <c>securefed.v1.Federation</c> service.</summary>
internal sealed class FederationService : V1Federation.FederationBase
{
    private readonly FederationFacts _facts;
    private readonly EnclaveDatabase _database;
    private readonly ParticipantRegistry _registry;
    private readonly LedgerStore _ledger;
    private readonly RoundCoordinator _coordinator;
    private readonly CeremonyCoordinatorService _ceremony;
    private readonly Lock _enrollGate = new();

    public FederationService(
        FederationFacts facts,
        EnclaveDatabase database,
        ParticipantRegistry registry,
        LedgerStore ledger,
        RoundCoordinator coordinator,
        CeremonyCoordinatorService ceremony)
    {
        _facts = facts;
        _database = database;
        _registry = registry;
        _ledger = ledger;
        _coordinator = coordinator;
        _ceremony = ceremony;
    }

    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, () =>
        {
            var identity = CallerIdentity.Get(context);
            if (identity.Role is not (ParticipantRole.Client or ParticipantRole.Custodian))
            {
                throw new RoundRejectedException(
                    RejectionReason.WrongRole, "Only clients and custodians enroll.");
            }

            _coordinator.ExpectFederation(request.FederationId);
            var signingKey = ImportKey(request.SigningPublicKey);
            var certificate = context.GetHttpContext().Connection.ClientCertificate!;
            if (!EnrollmentStatement.Verify(
                certificate, _facts.Id, identity, signingKey.Bytes.Span, request.CertificateSignature.Span))
            {
                throw new RoundRejectedException(
                    RejectionReason.Invalid,
                    "The enrollment statement is not signed by the caller's certificate key.");
            }

            var enrolled = EnrollOnce(identity, signingKey, certificate.RawData, request.CertificateSignature);
            return Task.FromResult(new EnrollResponse
            {
                ParticipantId = enrolled.Id,
                Receipt = _ledger.Receipt(enrolled.LedgerIndex).ToProto(),
            });
        });

    public override Task<FederationInfo> GetFederation(GetFederationRequest request, ServerCallContext context)
    {
        var parameters = _facts.CkksParameters;
        var info = new FederationInfo
        {
            FederationId = ByteString.CopyFrom(_facts.Id),
            FederationName = _facts.Name,
            LedgerPublicKey = ByteString.CopyFrom(_ledger.PublicKey.Bytes.Span),
            CkksRingDegree = (uint)parameters.RingDegree,
            CkksParameterId = ByteString.CopyFrom(parameters.ParameterId),
        };
        info.CkksPrimeBits.AddRange(parameters.Primes.Take(parameters.ModulusCount)
            .Select(p => (uint)(64 - ulong.LeadingZeroCount(p))));
        info.CkksSpecialPrimeBits = (uint)(64 - ulong.LeadingZeroCount(parameters.Primes[^1]));
        if (_ceremony.CompletedKey is { } key)
        {
            info.CollectiveKeyHash = ByteString.CopyFrom(key.Hash);
            info.CustodianThreshold = (uint)key.Threshold;
            info.CustodianIds.AddRange(key.CustodianIds);
        }

        return Task.FromResult(info);
    }

    public override Task<Receipt> GetReceipt(GetReceiptRequest request, ServerCallContext context) =>
        RpcErrors.Guard(_coordinator, () =>
        {
            if (request.EntryIndex >= _ledger.Count)
            {
                throw new RoundRejectedException(
                    RejectionReason.Invalid, $"The ledger has no entry {request.EntryIndex}.");
            }

            return Task.FromResult(_ledger.Receipt(request.EntryIndex).ToProto());
        });

    private EnrolledParticipant EnrollOnce(
        ParticipantIdentity identity, Ed25519PublicKey signingKey, byte[] certificate, ByteString signature)
    {
        lock (_enrollGate)
        {
            if (_registry.Find(identity) is { } existing)
            {
                return CryptographicOperations.FixedTimeEquals(existing.SigningKey.Bytes.Span, signingKey.Bytes.Span)
                    ? existing
                    : throw new RoundRejectedException(
                        RejectionReason.Replay, $"{identity} is already enrolled with another signing key.");
            }

            var participant = _database.InTransaction(transaction =>
            {
                uint id = ParticipantRegistry.NextId(transaction);
                var entry = _ledger.Append(transaction, LedgerKinds.Enrollment, LedgerPayloads.Enrollment(
                    id, identity, signingKey.Bytes.Span, certificate, signature.Span));
                return ParticipantRegistry.Insert(
                    transaction, identity, signingKey, certificate, signature.ToByteArray(), entry.Index,
                    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            });
            _registry.Publish(participant);
            return participant;
        }
    }

    private static Ed25519PublicKey ImportKey(ByteString key)
    {
        try
        {
            return Ed25519PublicKey.Import(key.Span);
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            throw new RoundRejectedException(RejectionReason.Invalid, "The signing key is not a valid Ed25519 key.");
        }
    }
}
