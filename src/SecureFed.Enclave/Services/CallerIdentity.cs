using Grpc.Core;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Services;

/// <summary>Reads the authenticated caller of a gRPC call from its TLS client certificate.</summary>
internal static class CallerIdentity
{
    private const string Key = "securefed.caller";

    /// <summary>Stores the identity the interceptor established for this call.</summary>
    public static void Set(ServerCallContext context, ParticipantIdentity identity) =>
        context.UserState[Key] = identity;

    /// <summary>The caller's identity; the interceptor guarantees one is present.</summary>
    /// <exception cref="RoundRejectedException">No identity was established.</exception>
    public static ParticipantIdentity Get(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) && value is ParticipantIdentity identity
            ? identity
            : throw new RoundRejectedException(
                RejectionReason.Unauthenticated, "The call carries no federation identity.");
}
