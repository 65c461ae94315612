using Grpc.Core;
using SecureFed.Enclave.Rounds;
using SecureFed.Protocol;

namespace SecureFed.Enclave.Services;

/// <summary>
/// Turns the appliance's refusals into gRPC statuses. The detail is the refusal's own message,
/// which names what was wrong and never carries key material or contribution data.
/// </summary>
internal static class RpcErrors
{
    /// <summary>Runs a handler body and maps its refusals to <see cref="RpcException"/>.</summary>
    public static async Task<T> Guard<T>(RoundCoordinator coordinator, Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (RoundRejectedException rejection)
        {
            coordinator.CountRejection(rejection.Reason);
            throw new RpcException(new Status(StatusOf(rejection.Reason), rejection.Message));
        }
        catch (RoundAbortedException aborted)
        {
            throw new RpcException(new Status(StatusCode.Aborted, aborted.Message));
        }
        catch (FormatException malformed)
        {
            coordinator.CountRejection(RejectionReason.Invalid);
            throw new RpcException(new Status(StatusCode.InvalidArgument, malformed.Message));
        }
    }

    /// <summary>The gRPC status code of a refusal.</summary>
    public static StatusCode StatusOf(RejectionReason reason) => reason switch
    {
        RejectionReason.Unauthenticated => StatusCode.Unauthenticated,
        RejectionReason.WrongRole => StatusCode.PermissionDenied,
        RejectionReason.Replay => StatusCode.AlreadyExists,
        RejectionReason.WrongRound => StatusCode.FailedPrecondition,
        RejectionReason.WrongLength => StatusCode.InvalidArgument,
        RejectionReason.Oversized => StatusCode.ResourceExhausted,
        RejectionReason.Budget => StatusCode.FailedPrecondition,
        RejectionReason.NotParticipant => StatusCode.PermissionDenied,
        _ => StatusCode.InvalidArgument,
    };
}
