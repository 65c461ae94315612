namespace SecureFed.Enclave.Rounds;

/// <summary>What the coordinator needs of a round in either mode.</summary>
public interface IRoundRuntime
{
    /// <summary>The round's settings.</summary>
    RoundSettings Settings { get; }

    /// <summary>The stage the round is in.</summary>
    string CurrentStage { get; }

    /// <summary>The round's outcome, once it finished or aborted.</summary>
    Task<RoundOutcome> Outcome { get; }

    /// <summary>Runs the round to its outcome; aborts rather than throws.</summary>
    Task<RoundOutcome> RunAsync(CancellationToken cancellation);
}
