namespace SecureFed.Enclave.Rounds;

/// <summary>
/// The first stage of every round: enrolled clients join until the round is full or the join
/// deadline passes. Its output is the participant set, ascending.
/// </summary>
internal sealed class JoinStage
{
    private readonly int _maxClients;
    private readonly SortedSet<uint> _joined = [];
    private readonly TaskCompletionSource _full =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<uint[]> _participants =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    public JoinStage(int maxClients)
    {
        _maxClients = maxClients;
    }

    /// <summary>The participants, once joining has closed.</summary>
    public Task<uint[]> Participants => _participants.Task;

    /// <summary>Adds <paramref name="clientId"/>; false when the round is full or closed.</summary>
    public bool TryJoin(uint clientId)
    {
        lock (_gate)
        {
            if (_participants.Task.IsCompleted || _joined.Count >= _maxClients)
            {
                return _joined.Contains(clientId);
            }

            _joined.Add(clientId);
            if (_joined.Count >= _maxClients)
            {
                _full.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Waits for the round to fill or the deadline, then closes joining.</summary>
    public async Task<uint[]> CloseAsync(TimeSpan deadline, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(deadline);
        try
        {
            await _full.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // The deadline passed: the round goes on with those who joined.
        }

        lock (_gate)
        {
            uint[] participants = [.. _joined];
            return participants;
        }
    }

    /// <summary>Publishes the participant set to every waiting client.</summary>
    public void Publish(uint[] participants) => _participants.TrySetResult(participants);

    /// <summary>Fails every waiting client with <paramref name="error"/>.</summary>
    public void Fail(Exception error) => _participants.TrySetException(error);
}
