using SecureFed.Enclave.Rounds;

namespace SecureFed.Enclave.Services;

/// <summary>Where refusals are counted, by reason, for the metrics endpoint.</summary>
internal sealed class RejectionCounter
{
    private readonly Action<RejectionReason> _count;

    public RejectionCounter(Action<RejectionReason> count)
    {
        _count = count;
    }

    public void Count(RejectionReason reason) => _count(reason);
}
