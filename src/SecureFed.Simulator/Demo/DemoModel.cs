using SecureFed.Training.Models;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// What the demo's final parameter vectors mean: the architecture they fill, the classes in
/// output order, and the standardisation a row must get before the model sees it.
/// </summary>
/// <param name="Kind">The architecture.</param>
/// <param name="HiddenUnits">The MLP's hidden width; unused by logistic regression.</param>
/// <param name="Features">Input features.</param>
/// <param name="Classes">Class names, in output order.</param>
/// <param name="Mean">Each feature's mean, subtracted first.</param>
/// <param name="Scale">Each feature's scale, divided by next.</param>
/// <param name="Standardization">Where the mean and scale came from.</param>
public sealed record DemoModel(
    ModelKind Kind,
    int HiddenUnits,
    int Features,
    IReadOnlyList<string> Classes,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Scale,
    string Standardization);
