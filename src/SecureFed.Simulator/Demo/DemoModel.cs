using SecureFed.Training.Models;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// What the demo's final parameter vectors mean: the architecture they fill, the classes in
/// output order, and what a row must go through before the model sees it: each feature
/// clamped to its range and put on its scale (<see cref="Preprocessing"/>), then standardised.
/// </summary>
/// <param name="Kind">The architecture.</param>
/// <param name="HiddenUnits">The MLP's hidden width; unused by logistic regression.</param>
/// <param name="Features">Input features.</param>
/// <param name="Classes">Class names, in output order.</param>
/// <param name="Preprocessing">Each feature's public range and log offset, applied first.</param>
/// <param name="Mean">Each feature's mean on the model's scale, subtracted next.</param>
/// <param name="Scale">Each feature's scale, divided by last.</param>
/// <param name="Standardization">Where the mean and scale came from.</param>
public sealed record DemoModel(
    ModelKind Kind,
    int HiddenUnits,
    int Features,
    IReadOnlyList<string> Classes,
    IReadOnlyList<DemoFeature> Preprocessing,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Scale,
    string Standardization);
