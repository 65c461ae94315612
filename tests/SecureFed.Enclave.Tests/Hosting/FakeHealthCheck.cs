using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SecureFed.Enclave.Tests.Hosting;

/// <summary>A health check whose verdict the test sets, or that hangs until cancelled.</summary>
internal sealed class FakeHealthCheck : IHealthCheck
{
    private volatile int _status = (int)HealthStatus.Healthy;
    private int _calls;

    public HealthStatus Status
    {
        get => (HealthStatus)_status;
        set => _status = (int)value;
    }

    public bool Hang { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return new HealthCheckResult(Status, "set by the test");
    }
}
