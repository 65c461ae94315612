using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;
using SecureFed.Simulator.Federation;
using V1 = SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Enclave.Tests.Integration;

/// <summary>
/// Callers the appliance must turn away before any handler runs: no certificate, a
/// certificate from another CA, a role that may not call the service. Each refusal has the
/// status CallerAuthorizationInterceptor documents, and leaves the registry, the ledger and
/// any round in progress as they were.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class CallerRejectionTests
{
    private static readonly OpenRoundRequest ValidOpenRound = new()
    {
        Mode = ProtectionMode.Mask,
        Dimension = 16,
        Bits = 20,
        MinClients = 2,
        MaxClients = 4,
    };

    [Fact]
    public async Task OpenRound_WithoutClientCertificate_IsUnauthenticatedAndOpensNothing()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);
        using var anonymous = EnclaveConnection.Open(federation.Address, certificate: null, federation.Trust);

        var refused = await SteppedMaskRound.RefusalAsync(
            () => anonymous.Operator.OpenRoundAsync(ValidOpenRound).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused);
        var after = await ApplianceSnapshot.TakeAsync(operatorClient);
        Assert.Equal(before, after);
        Assert.Equal(0UL, after.Status.CurrentRound);
    }

    [Fact]
    public async Task UploadMaskedInput_RelayedWithoutClientCertificate_IsUnauthenticatedAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        await round.ReachMaskingAsync();
        var victim = round.Clients[0];
        var before = await round.SnapshotAsync();
        using var anonymous = EnclaveConnection.Open(
            round.Federation.Address, certificate: null, round.Federation.Trust);

        // The victim's own, correctly signed upload: only the missing certificate is wrong.
        var refused = await SteppedMaskRound.RefusalAsync(() => victim.UploadRawAsync(
            victim.SignUpload(round.Round.Round, victim.Id, victim.MaskedVector), [victim.MaskedVector],
            via: anonymous.Rounds));

        Assert.Equal(StatusCode.Unauthenticated, refused);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task OpenRound_WithOperatorCertificateFromAnotherCa_IsUnauthenticatedAndOpensNothing()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);
        using var otherCa = FederationCa.Create("other-federation", TimeSpan.FromDays(30));
        using var certificate = Issue(otherCa, new ParticipantIdentity(ParticipantRole.Operator, "operator"));
        using var impostor = EnclaveConnection.Open(federation.Address, certificate, federation.Trust);

        var refused = await SteppedMaskRound.RefusalAsync(
            () => impostor.Operator.OpenRoundAsync(ValidOpenRound).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused);
        Assert.Equal(before, await ApplianceSnapshot.TakeAsync(operatorClient));
    }

    [Fact]
    public async Task Enroll_WithClientCertificateFromAnotherCa_IsUnauthenticatedAndEnrollsNobody()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);
        var identity = new ParticipantIdentity(ParticipantRole.Client, "client-1");
        using var otherCa = FederationCa.Create("other-federation", TimeSpan.FromDays(30));
        using var certificate = Issue(otherCa, identity);
        using var impostor = EnclaveConnection.Open(federation.Address, certificate, federation.Trust);

        // A well-formed enrollment, signed with the impostor's certificate key as a real
        // client's would be, so that only the issuing CA is wrong.
        using var signingKey = Ed25519PrivateKey.Generate();
        var request = new EnrollRequest
        {
            FederationId = ByteString.CopyFrom(federation.FederationId),
            SigningPublicKey = ByteString.CopyFrom(signingKey.PublicKey.Bytes.Span),
            CertificateSignature = ByteString.CopyFrom(EnrollmentStatement.Sign(
                certificate, federation.FederationId, identity, signingKey.PublicKey.Bytes.Span)),
        };
        var refused = await SteppedMaskRound.RefusalAsync(
            () => impostor.Federation.EnrollAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused);
        var after = await ApplianceSnapshot.TakeAsync(operatorClient);
        Assert.Equal(before, after);
        Assert.Equal(0U, after.Status.ClientsEnrolled);
    }

    [Fact]
    public async Task JoinRound_WithClientCertificateFromAnotherCa_IsUnauthenticatedAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        var before = await round.SnapshotAsync();
        var victim = round.Clients[0];
        using var otherCa = FederationCa.Create("other-federation", TimeSpan.FromDays(30));
        using var certificate = Issue(otherCa, victim.Participant.Identity);
        using var impostor = EnclaveConnection.Open(round.Federation.Address, certificate, round.Federation.Trust);

        var refused = await SteppedMaskRound.RefusalAsync(() => impostor.Rounds.JoinRoundAsync(
            new JoinRoundRequest { Round = round.Round, ClientId = victim.Id }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused);
        Assert.Equal(before, await round.SnapshotAsync());

        // The victim still joins: the impostor took no place in the round.
        await round.ReachMaskingAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    [Fact]
    public async Task OpenRound_CalledByClient_IsPermissionDeniedAndOpensNothing()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var client = await federation.EnrollAsync(ParticipantRole.Client, "client-1");
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);

        var refused = await Assert.ThrowsAsync<RpcException>(
            () => client.Connection.Operator.OpenRoundAsync(ValidOpenRound).ResponseAsync);

        AssertRoleRefused(refused, V1.Operator.Descriptor.FullName);
        var after = await ApplianceSnapshot.TakeAsync(operatorClient);
        Assert.Equal(before, after);
        Assert.Equal(0UL, after.Status.CurrentRound);
    }

    [Fact]
    public async Task StartCeremony_CalledByCustodian_IsPermissionDeniedAndStartsNothing()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var custodians = await Task.WhenAll(Enumerable.Range(1, 3)
            .Select(i => federation.EnrollAsync(ParticipantRole.Custodian, $"custodian-{i}")));
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);

        // Enough enrolled custodians and a valid threshold: the operator could start this.
        var request = new StartCeremonyRequest { Threshold = 2 };
        request.CustodianNames.AddRange(custodians.Select(c => c.Identity.Name));
        var refused = await Assert.ThrowsAsync<RpcException>(
            () => custodians[0].Connection.Operator.StartCeremonyAsync(request).ResponseAsync);

        AssertRoleRefused(refused, V1.Operator.Descriptor.FullName);
        Assert.Equal(before, await ApplianceSnapshot.TakeAsync(operatorClient));
    }

    [Fact]
    public async Task AwaitCeremony_CalledByClient_IsPermissionDenied()
    {
        await using var federation = await LoopbackFederation.StartAsync();
        var operatorClient = federation.Connect(ParticipantRole.Operator, "operator");
        var client = await federation.EnrollAsync(ParticipantRole.Client, "client-1");
        var before = await ApplianceSnapshot.TakeAsync(operatorClient);

        var request = new AwaitCeremonyRequest
        {
            FederationId = ByteString.CopyFrom(federation.FederationId),
            CustodianId = client.Credentials!.ParticipantId,
        };
        var refused = await Assert.ThrowsAsync<RpcException>(
            () => client.Connection.Custodians.AwaitCeremonyAsync(request).ResponseAsync);

        AssertRoleRefused(refused, V1.Custodians.Descriptor.FullName);
        Assert.Equal(before, await ApplianceSnapshot.TakeAsync(operatorClient));
    }

    [Fact]
    public async Task JoinRound_CalledByCustodian_IsPermissionDeniedAndRoundCompletesExactly()
    {
        await using var round = await SteppedMaskRound.OpenAsync();
        var custodian = await round.Federation.EnrollAsync(ParticipantRole.Custodian, "custodian-1");
        var before = await round.SnapshotAsync();

        var request = new JoinRoundRequest
        {
            Round = round.Round,
            ClientId = custodian.Credentials!.ParticipantId,
        };
        var refused = await Assert.ThrowsAsync<RpcException>(
            () => custodian.Connection.Rounds.JoinRoundAsync(request).ResponseAsync);

        AssertRoleRefused(refused, V1.Rounds.Descriptor.FullName);
        Assert.Equal(before, await round.SnapshotAsync());
        await round.ReachMaskingAsync();
        await round.UploadAsync();
        await round.AssertCompletesExactlyAsync();
    }

    // The handlers deny a caller that is not an enrolled participant of the right kind as
    // well, with the same status; the detail names the service only when the role check of
    // CallerAuthorizationInterceptor refused the call, before any handler ran.
    private static void AssertRoleRefused(RpcException refused, string service)
    {
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains(service, refused.Status.Detail, StringComparison.Ordinal);
    }

    private static X509Certificate2 Issue(FederationCa ca, ParticipantIdentity identity)
    {
        using var request = ParticipantKeyRequest.Create(identity);
        return request.WithCertificate(ca.Issue(request.CsrPem, identity, TimeSpan.FromDays(1)));
    }
}
