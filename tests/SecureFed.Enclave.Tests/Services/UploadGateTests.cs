using SecureFed.Enclave.Services;

namespace SecureFed.Enclave.Tests.Services;

/// <summary>The upload gate lets at most its width of uploads through at once.</summary>
public class UploadGateTests
{
    [Fact]
    public async Task Enter_BeyondTheWidth_WaitsForASlot()
    {
        using var gate = new UploadGate(2);
        var first = await gate.EnterAsync(CancellationToken.None);
        using var second = await gate.EnterAsync(CancellationToken.None);

        var third = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancelledWait_TakesNoSlot_AndADoubleDisposeGivesBackOne()
    {
        using var gate = new UploadGate(1);
        var held = await gate.EnterAsync(CancellationToken.None);
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(cancel.Token));
        }

        held.Dispose();
        held.Dispose();
        using var again = await gate.EnterAsync(CancellationToken.None);

        // Only one slot exists: the double dispose must not have made a second.
        var extra = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(extra.IsCompleted);
    }
}
