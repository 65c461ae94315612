// Every call must come with a client certificate from the federation CA, and the role in it
// must be one that may call the service. TLS only requires TLS 1.3 and asks for a
// certificate; the check is made here, per call, so that a refused caller gets a clear gRPC
// status (UNAUTHENTICATED or PERMISSION_DENIED with the reason) instead of a failed
// handshake that says nothing. No handler runs before this check passes.

using Grpc.Core;
using Grpc.Core.Interceptors;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Identity;
using V1 = SecureFed.Protocol.Grpc.V1;
using V1Rounds = SecureFed.Protocol.Grpc.V1.Rounds;

namespace SecureFed.Enclave.Services;

/// <summary>Authenticates the caller of every call and checks its role for the service.</summary>
internal sealed class CallerAuthorizationInterceptor : Interceptor
{
    private static readonly Dictionary<string, ParticipantRole[]> RolesByService = new()
    {
        [V1.Federation.Descriptor.FullName] =
            [ParticipantRole.Client, ParticipantRole.Custodian, ParticipantRole.Operator],
        [V1Rounds.Descriptor.FullName] = [ParticipantRole.Client],
        [V1.Custodians.Descriptor.FullName] = [ParticipantRole.Custodian],
        [V1.Operator.Descriptor.FullName] = [ParticipantRole.Operator],
    };

    private readonly FederationTrust _trust;
    private readonly RejectionCounter _rejections;

    public CallerAuthorizationInterceptor(FederationTrust trust, RejectionCounter rejections)
    {
        _trust = trust;
        _rejections = rejections;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        var result = _trust.ValidateClient(certificate);
        if (result.Identity is not { } identity)
        {
            _rejections.Count(RejectionReason.Unauthenticated);
            throw new RpcException(new Status(
                StatusCode.Unauthenticated,
                $"A client certificate from this federation's CA is required: {result.Message}"));
        }

        string service = ServiceOf(context.Method);
        if (!RolesByService.TryGetValue(service, out var roles) || !roles.Contains(identity.Role))
        {
            _rejections.Count(RejectionReason.WrongRole);
            throw new RpcException(new Status(
                StatusCode.PermissionDenied,
                $"The role '{ParticipantIdentity.FormatRole(identity.Role)}' may not call {service}."));
        }

        CallerIdentity.Set(context, identity);
    }

    // "/securefed.v1.Rounds/JoinRound" names the service "securefed.v1.Rounds".
    private static string ServiceOf(string method)
    {
        int slash = method.IndexOf('/', 1);
        return slash > 1 ? method[1..slash] : method;
    }
}
