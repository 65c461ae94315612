namespace SecureFed.Simulator.Demo;

/// <summary>
/// Where one run of the demo stands: <see cref="DemoRunner"/> reports it as each client finishes
/// local training and after each round.
/// </summary>
/// <param name="Run">"baseline", "mask" or "he".</param>
/// <param name="Round">The round under way, from 1.</param>
/// <param name="Rounds">The rounds the run takes.</param>
/// <param name="ClientsTrained">Clients done with local training in this round.</param>
/// <param name="Clients">Clients in the federation.</param>
/// <param name="Accuracy">Test accuracy after the round; null while the round runs.</param>
/// <param name="Epsilon">Client-level epsilon the appliance has accounted so far; null without.</param>
/// <param name="RecordEpsilon">The largest record-level epsilon a client has spent; null without.</param>
public sealed record DemoProgress(
    string Run,
    int Round,
    int Rounds,
    int ClientsTrained,
    int Clients,
    double? Accuracy,
    double? Epsilon,
    double? RecordEpsilon);
