// Contributions are added to the aggregate as they arrive, so the sum itself is O(model). A
// contribution is still read whole before it is checked against its signed commitment and
// added, and with every client of a round uploading at once those buffers alone would make
// the appliance's memory O(clients x model). The gate lets only a few uploads past their
// header at a time; the others wait, and HTTP/2 flow control holds their data back at the
// sender once Kestrel's stream window (768 KiB by default) is full. Memory is then
// O(gate width x model + clients x window).

namespace SecureFed.Enclave.Services;

/// <summary>Bounds how many uploads are read and added at the same time.</summary>
public sealed class UploadGate : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates a gate of <paramref name="width"/> slots.</summary>
    public UploadGate(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        _slots = new SemaphoreSlim(width, width);
    }

    /// <summary>How many uploads may be read at once.</summary>
    public int Width { get; }

    /// <summary>
    /// Waits for a slot; dispose the result to give it back. A cancelled wait (the caller went
    /// away or its stage ended) takes no slot.
    /// </summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellation)
    {
        await _slots.WaitAsync(cancellation).ConfigureAwait(false);
        return new Slot(_slots);
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
