// One stage of a round as the coordinator runs it: who is expected to submit, who has, and
// the stage's output once it closes. A stage closes when every expected participant has
// submitted or when its deadline passes, whichever comes first; those who had not
// submitted by then are dropouts from that stage on.

namespace SecureFed.Enclave.Rounds;

/// <summary>A stage of a round: its expected submitters and its output.</summary>
/// <typeparam name="T">What the stage hands back to every participant once it closes.</typeparam>
internal sealed class Stage<T>
{
    private readonly HashSet<uint> _expected;
    private readonly HashSet<uint> _submitted = [];
    private readonly TaskCompletionSource _allIn =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<T> _output =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    /// <summary>Creates a stage that expects <paramref name="expected"/> to submit.</summary>
    public Stage(string name, IEnumerable<uint> expected)
    {
        Name = name;
        _expected = [.. expected];
        if (_expected.Count == 0)
        {
            _allIn.SetResult();
        }
    }

    /// <summary>The stage's name, as metrics and errors report it.</summary>
    public string Name { get; }

    /// <summary>The stage's output, or its failure, once it has closed.</summary>
    public Task<T> Output => _output.Task;

    /// <summary>Whether the stage has closed.</summary>
    public bool IsClosed => _output.Task.IsCompleted;

    /// <summary>Those who submitted before the stage closed.</summary>
    public IReadOnlyCollection<uint> Submitted
    {
        get
        {
            lock (_gate)
            {
                return [.. _submitted];
            }
        }
    }

    /// <summary>Whether <paramref name="id"/> is expected to submit in this stage.</summary>
    public bool Expects(uint id) => _expected.Contains(id);

    /// <summary>Records that <paramref name="id"/> submitted; false if it already had.</summary>
    public bool MarkSubmitted(uint id)
    {
        lock (_gate)
        {
            if (!_submitted.Add(id))
            {
                return false;
            }

            if (_submitted.IsSupersetOf(_expected))
            {
                _allIn.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Waits until every expected participant submitted or the deadline passed.</summary>
    public async Task WaitForSubmissionsAsync(TimeSpan deadline, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(deadline);
        try
        {
            await _allIn.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // The deadline passed: the stage closes with those who made it.
        }
    }

    /// <summary>Closes the stage with its output.</summary>
    public void Close(T output) => _output.TrySetResult(output);

    /// <summary>Closes the stage with a failure that every waiter sees.</summary>
    public void Fail(Exception error) => _output.TrySetException(error);
}
